import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
// The JSON Schemas live next to the content so that editors can use them; the checker uses the
// very same files, so they cannot drift from what is enforced.
import bandsSchema from '../../../../curricula/schema/bands.schema.json';
import checkSchema from '../../../../curricula/schema/check.schema.json';
import moduleSchema from '../../../../curricula/schema/module.schema.json';
import type { CurriculaProblem } from '../models/curriculum.model';
import type { YamlPath, YamlSource } from './yaml-source.util';

export type SchemaName = 'module' | 'check' | 'bands';

let validators: Record<SchemaName, ValidateFunction> | undefined;

function getValidators(): Record<SchemaName, ValidateFunction> {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, verbose: true });
    ajv.addSchema(moduleSchema, 'module.schema.json');
    ajv.addSchema(checkSchema, 'check.schema.json');
    ajv.addSchema(bandsSchema, 'bands.schema.json');
    const get = (id: string): ValidateFunction => {
      const validate = ajv.getSchema(id);
      if (!validate) {
        throw new Error(`schema ${id} did not compile`);
      }
      return validate;
    };
    validators = {
      module: get('module.schema.json'),
      check: get('check.schema.json'),
      bands: get('bands.schema.json'),
    };
  }
  return validators;
}

const PATTERN_HINTS: Record<string, string> = {
  '^(ep|up|ls|us)-[a-z0-9]+(-[a-z0-9]+)*$':
    'use kebab-case with the band prefix ep-, up-, ls- or us-, e.g. "up-strong-passwords"',
  '^[a-z0-9]+(-[a-z0-9]+)*$': 'use kebab-case, e.g. "p1-story"',
  '^[A-Za-z0-9][A-Za-z0-9_-]*$': 'use letters, digits, "-" or "_"',
  '^[1-6]\\.[1-9][0-9]*$': 'write "domain.competency", e.g. "4.2"',
  '^check-(early-primary|upper-primary|lower-secondary|upper-secondary)$':
    'must be "check-<band>", e.g. "check-upper-primary"',
};

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a map',
  array: 'a list',
};

function segmentsOf(instancePath: string): (string | number)[] {
  if (!instancePath) {
    return [];
  }
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** `assessment.items[3].options[1]` */
export function describePath(path: YamlPath): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`,
    )
    .join('');
}

function typeName(value: unknown): string {
  if (value === null) {
    return 'nothing';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object') {
    return 'a map';
  }
  return `${typeof value} ${JSON.stringify(value)}`;
}

function explain(error: ErrorObject): { path: YamlPath; message: string } | null {
  const path = segmentsOf(error.instancePath);
  const where = path.length ? `${describePath(path)}: ` : 'the file ';
  const params = error.params as Record<string, unknown>;
  const data: unknown = error.data;
  switch (error.keyword) {
    case 'if':
      return null; // the failing "then" reports the real reason
    case 'required':
      return { path, message: `${where}missing "${String(params.missingProperty)}"` };
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      return { path: [...path, field], message: `${where}unknown field "${field}"` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      return {
        path,
        message: `${where}must be one of ${allowed.join(', ')} (found ${typeName(data)})`,
      };
    }
    case 'const':
      return {
        path,
        message: `${where}must be ${JSON.stringify(params.allowedValue)}`,
      };
    case 'type': {
      const quote =
        params.type === 'string' && typeof data === 'number' ? '; put it in quotes' : '';
      const expected = TYPE_NAMES[String(params.type)] ?? String(params.type);
      return {
        path,
        message: `${where}must be ${expected} (found ${typeName(data)})${quote}`,
      };
    }
    case 'minItems':
    case 'maxItems': {
      const bound = error.keyword === 'minItems' ? 'at least' : 'at most';
      const count = Array.isArray(data) ? data.length : 0;
      return {
        path,
        message: `${where}must have ${bound} ${String(params.limit)} entries (found ${count})`,
      };
    }
    case 'minimum':
    case 'maximum': {
      const bound = error.keyword === 'minimum' ? 'at least' : 'at most';
      return {
        path,
        message: `${where}must be ${bound} ${String(params.limit)} (found ${typeName(data)})`,
      };
    }
    case 'pattern': {
      if (error.schemaPath.includes('localizedText')) {
        return { path, message: `${where}must not be empty` };
      }
      const hint = PATTERN_HINTS[String(params.pattern)] ?? `must match ${String(params.pattern)}`;
      return { path, message: `${where}${JSON.stringify(data)} is not valid: ${hint}` };
    }
    case 'uniqueItems': {
      const list = Array.isArray(data) ? data : [];
      const duplicate = list[Number(params.j)];
      return {
        path: [...path, Number(params.j)],
        message: `${where}${JSON.stringify(duplicate)} is listed twice`,
      };
    }
    default:
      return { path, message: `${where}${error.message ?? 'is not valid'}` };
  }
}

/** Validates parsed YAML against one of the curricula schemas; problems carry source lines. */
export function validateAgainstSchema(
  schema: SchemaName,
  data: unknown,
  source: YamlSource,
): CurriculaProblem[] {
  const validate = getValidators()[schema];
  if (validate(data)) {
    return [];
  }
  const seen = new Set<string>();
  const problems: CurriculaProblem[] = [];
  for (const error of validate.errors ?? []) {
    const explained = explain(error);
    if (!explained) {
      continue;
    }
    const problem = source.problem(explained.path, explained.message);
    const key = `${problem.line}\0${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}
