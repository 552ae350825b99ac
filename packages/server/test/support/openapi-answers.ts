// Checks real answers against the response schemas the OpenAPI document gives for their route and status, and counts which were checked.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Doc = { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };

/** `/api/sessions/{sid}/packages` as a pattern for the concrete URLs of its calls. */
function pattern(template: string): RegExp {
  const parts = template.split(/\{[^}]+\}/).map((p) => p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  // A wildcard parameter (`{path}` of the Integrator) takes slashes; the others one segment.
  const wild = template.endsWith('{path}');
  return new RegExp(
    `^${parts.map((p, i) => (i === 0 ? p : (wild && i === parts.length - 1 ? '.+' : '[^/]+') + p)).join('')}$`,
  );
}

const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export class OpenApiAnswers {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  private readonly templates: { template: string; re: RegExp }[];
  private readonly compiled = new Map<string, ValidateFunction>();
  /** `METHOD template status` of every answer checked. */
  readonly checked = new Set<string>();

  constructor(private readonly doc: Doc) {
    addFormats(this.ajv);
    this.ajv.addSchema(doc as object, 'openapi');
    // The most specific template first: /packages/{pid}/source before /packages/{pid}.
    this.templates = Object.keys(doc.paths)
      .sort((a, b) => b.split('/').length - a.split('/').length || a.split('{').length - b.split('{').length)
      .map((template) => ({ template, re: pattern(template) }));
  }

  /** The documented operation a call hits. */
  templateOf(method: string, url: string): string {
    const path = url.split('?')[0]!;
    const m = method.toLowerCase();
    const hit = this.templates.find((t) => t.re.test(path) && this.doc.paths[t.template]![m]);
    if (!hit) throw new Error(`${method} ${path} is not in the OpenAPI document`);
    return hit.template;
  }

  /** Throws, saying what differs, unless `body` is what the document says `method url` answers with `status`. */
  check(method: string, url: string, status: number, contentType: string | undefined, body: string): void {
    const template = this.templateOf(method, url);
    const m = method.toLowerCase();
    const responses = this.doc.paths[template]![m]!.responses ?? {};
    const key = `${m.toUpperCase()} ${template} ${status}`;
    if (!responses[String(status)]) throw new Error(`${key}: the status is not documented (${body.slice(0, 200)})`);
    this.checked.add(key);
    const documented = responses[String(status)] as { content?: Record<string, unknown> };
    if (!contentType?.startsWith('application/json') || body === '' || !documented.content?.['application/json'])
      return;
    let validate = this.compiled.get(key);
    if (!validate) {
      const ref = `openapi#/paths/${pointer(template)}/${m}/responses/${status}/content/${pointer('application/json')}/schema`;
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(key, validate);
    }
    const value = JSON.parse(body) as unknown;
    if (!validate(value)) {
      throw new Error(
        `${key}: the answer does not match its schema: ${this.ajv.errorsText(validate.errors)}\n${body.slice(0, 500)}`,
      );
    }
  }
}
