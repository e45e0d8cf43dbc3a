import { AccessService, CurrentPrincipal, Principal, Role, SessionGuard } from '@lib/core';
import { UseGuards } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { OrgImportService } from './import/org-import.service';
import { OrgImportModel, OrgNodeModel, OrgNodeVersionModel } from './models/org-node.model';
import { OrgsService } from './orgs.service';

@Resolver(() => OrgNodeModel)
@UseGuards(SessionGuard)
export class OrgsResolver {
  constructor(
    private readonly orgs: OrgsService,
    private readonly imports: OrgImportService,
    private readonly access: AccessService,
  ) {}

  @Query(() => [OrgNodeModel], { description: 'The highest org nodes the signed-in user can see.' })
  async myOrgNodes(@CurrentPrincipal() principal: Principal): Promise<OrgNodeModel[]> {
    return Promise.all(this.access.roots(principal).map((id) => this.orgs.getById(id)));
  }

  @Query(() => OrgNodeModel)
  async orgNode(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<OrgNodeModel> {
    await this.access.assertAccess(principal, id);
    return this.orgs.getById(id);
  }

  @Query(() => [OrgNodeModel])
  async orgChildren(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<OrgNodeModel[]> {
    await this.access.assertAccess(principal, id);
    return this.orgs.children(id);
  }

  @Query(() => [OrgNodeVersionModel], { description: 'A node’s history, oldest first.' })
  async orgVersions(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<OrgNodeVersionModel[]> {
    await this.access.assertAccess(principal, id);
    return this.orgs.versions(id);
  }

  @Query(() => OrgImportModel)
  async orgImport(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<OrgImportModel> {
    const row = await this.imports.get(id);
    await this.access.assertAccess(principal, row.rootNodeId, [Role.OFFICIAL]);
    return row;
  }
}
