import { OrgDirectory } from '@lib/core';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrgImportEntity } from './entities/org-import.entity';
import { OrgNodeEntity, OrgNodeVersionEntity } from './entities/org-node.entity';
import { OrgImportJob, OrgImportService } from './import/org-import.service';
import { OrgsResolver } from './orgs.resolver';
import { OrgsService } from './orgs.service';

/** Global because core's access control reads the tree through the OrgDirectory port. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OrgNodeEntity, OrgNodeVersionEntity, OrgImportEntity])],
  providers: [
    OrgsService,
    OrgsResolver,
    OrgImportService,
    OrgImportJob,
    { provide: OrgDirectory, useExisting: OrgsService },
  ],
  exports: [OrgsService, OrgDirectory, OrgImportService],
})
export class OrgsModule {}
