import { OrgDirectory } from '@lib/core';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrgNodeEntity } from './entities/org-node.entity';
import { OrgsResolver } from './orgs.resolver';
import { OrgsService } from './orgs.service';

/** Global because core's access control reads the tree through the OrgDirectory port. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OrgNodeEntity])],
  providers: [OrgsService, OrgsResolver, { provide: OrgDirectory, useExisting: OrgsService }],
  exports: [OrgsService, OrgDirectory],
})
export class OrgsModule {}
