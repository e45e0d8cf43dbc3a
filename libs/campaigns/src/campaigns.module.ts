import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsService } from './campaigns.service';
import { CampaignEntity, CampaignLockExceptionEntity } from './entities/campaign.entity';

@Module({
  imports: [TypeOrmModule.forFeature([CampaignEntity, CampaignLockExceptionEntity])],
  providers: [CampaignsService],
  exports: [CampaignsService],
})
export class CampaignsModule {}
