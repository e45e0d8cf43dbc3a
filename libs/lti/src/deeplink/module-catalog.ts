import { AppConfig, InjectConfig } from '@lib/core';
import { CatalogService, type CatalogFilter } from '@lib/curricula';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';

/** A lesson module as the deep-linking picker shows it. */
export interface ModuleSummary {
  id: string;
  band: string;
  grades: number[];
  title: { vi: string; en: string };
  summary: { vi: string; en: string };
  topics: string[];
  languages: string[];
  durationMinutes: number;
  maxScore: number;
}

/**
 * The curricula catalog for the picker: the app's CatalogService when the app imports
 * CurriculaModule, otherwise one loaded here from CURRICULA_DIR.
 */
@Injectable()
export class ModuleCatalog {
  private catalogService?: CatalogService;

  constructor(
    private readonly moduleRef: ModuleRef,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  private catalog(): CatalogService {
    if (!this.catalogService) {
      try {
        this.catalogService = this.moduleRef.get(CatalogService, { strict: false });
      } catch {
        this.catalogService = new CatalogService({ dir: this.config.curriculaDir });
      }
    }
    return this.catalogService;
  }

  list(filter: CatalogFilter = {}): ModuleSummary[] {
    const catalog = this.catalog();
    return catalog.list(filter).map((m) => ({
      id: m.id,
      band: m.band,
      grades: m.grades,
      title: m.title,
      summary: m.summary,
      topics: m.topics,
      languages: m.languages,
      durationMinutes: m.durationMinutes,
      maxScore: this.maxScore(m.id),
    }));
  }

  get(id: string): ModuleSummary | undefined {
    return this.list().find((m) => m.id === id);
  }

  maxScore(id: string): number {
    const module = this.catalog().find(id);
    return module ? module.assessment.items.reduce((sum, item) => sum + (item.points ?? 1), 0) : 0;
  }

  bands(): { id: string; label: { vi: string; en: string } }[] {
    return this.catalog()
      .bands()
      .map((b) => ({ id: b.id, label: b.title }));
  }

  topics(): string[] {
    return [
      ...new Set(
        this.catalog()
          .list()
          .flatMap((m) => m.topics),
      ),
    ].sort();
  }
}
