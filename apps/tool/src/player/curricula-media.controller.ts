import { CatalogService } from '@lib/curricula';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';

/** Images of lesson pages (`<module>/media/…`), as the Markdown renderer links them. */
@Controller('curricula/media')
export class CurriculaMediaController {
  constructor(private readonly catalog: CatalogService) {}

  @Get(':moduleId/:file')
  media(
    @Param('moduleId') moduleId: string,
    @Param('file') file: string,
    @Res() res: Response,
  ): void {
    const target = this.catalog.mediaFile(moduleId, file);
    if (!target) {
      throw new NotFoundException();
    }
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.sendFile(target);
  }
}
