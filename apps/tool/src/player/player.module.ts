import { CoverageModule } from '@lib/coverage';
import { LtiModule } from '@lib/lti';
import { Module } from '@nestjs/common';
import { PlayerController } from './player.controller';
import { CurriculaMediaController } from './curricula-media.controller';
import { PlayerGradeHooks } from './player-hooks';

/**
 * The lesson player pages (/play), lesson media, and the hooks that commit the LMS grade and
 * the coverage delivery with each graded attempt. CatalogService and PlayerService come from
 * the global CurriculaModule. "I need help" links go to /help (the safeguarding pages).
 */
@Module({
  imports: [LtiModule, CoverageModule],
  controllers: [PlayerController, CurriculaMediaController],
  providers: [PlayerGradeHooks],
})
export class PlayerModule {}
