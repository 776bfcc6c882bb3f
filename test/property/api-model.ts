/**
 * The IoT API model (botocore's service-2.json, from the repo's .venv) as an
 * oracle: which members of a request break a constraint of the model
 * (required members, lengths, entry counts, patterns, enums).
 *
 * It is independent of src/shared/validation.ts and of the moto extension.
 * Lengths count characters (code points), as Smithy's length trait and
 * botocore do; patterns are the model's Java regexes, run whole-string by
 * JavaScript with the `u` flag (so \p{...} uses Node's Unicode version).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

interface ShapeRef {
  readonly shape: string;
}

interface Shape {
  readonly type: string;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly required?: readonly string[];
  readonly members?: Record<string, ShapeRef & { readonly location?: string }>;
  readonly key?: ShapeRef;
  readonly value?: ShapeRef;
  readonly member?: ShapeRef;
}

interface Model {
  readonly operations: Record<string, { readonly input: ShapeRef }>;
  readonly shapes: Record<string, Shape>;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** <repo>/.venv/lib/python3.x/site-packages/botocore/data/iot/<version>/service-2.json(.gz) */
function modelFile(): string {
  const lib = path.join(REPO_ROOT, '.venv', 'lib');
  for (const python of fs.readdirSync(lib)) {
    const iot = path.join(lib, python, 'site-packages', 'botocore', 'data', 'iot');
    if (!fs.existsSync(iot)) {
      continue;
    }
    for (const version of fs.readdirSync(iot).sort().reverse()) {
      for (const name of ['service-2.json', 'service-2.json.gz']) {
        const file = path.join(iot, version, name);
        if (fs.existsSync(file)) {
          return file;
        }
      }
    }
  }
  throw new Error(`botocore's IoT model not found under ${lib}; run \`npx projen setup:python\``);
}

function loadModel(): Model {
  const file = modelFile();
  const raw = fs.readFileSync(file);
  return JSON.parse((file.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8')) as Model;
}

export const MODEL = loadModel();

export function shape(name: string): Shape {
  const s = MODEL.shapes[name];
  if (!s) {
    throw new Error(`no shape ${name} in the IoT model`);
  }
  return s;
}

const patterns = new Map<string, RegExp>();

/** The model's pattern, matched against the whole string. */
function patternOf(p: string): RegExp {
  let re = patterns.get(p);
  if (!re) {
    re = new RegExp(`^(?:${p})$`, 'u');
    patterns.set(p, re);
  }
  return re;
}

const codePoints = (s: string) => [...s].length;

/** Every constraint of the shape that the value breaks, as "path: what". */
export function problems(shapeName: string, value: unknown, at: string): string[] {
  const s = shape(shapeName);
  const out: string[] = [];
  const count = (n: number, what: string) => {
    if (s.min !== undefined && n < s.min) {
      out.push(`${at}: ${what} ${n} < min ${s.min}`);
    }
    if (s.max !== undefined && n > s.max) {
      out.push(`${at}: ${what} ${n} > max ${s.max}`);
    }
  };
  switch (s.type) {
    case 'string':
      if (typeof value !== 'string') {
        return [`${at}: not a string`];
      }
      count(codePoints(value), 'length');
      if (s.pattern !== undefined && !patternOf(s.pattern).test(value)) {
        out.push(`${at}: does not match ${s.pattern}`);
      }
      if (s.enum !== undefined && !s.enum.includes(value)) {
        out.push(`${at}: not one of ${s.enum.join(', ')}`);
      }
      return out;
    case 'map': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return [`${at}: not a map`];
      }
      const entries = Object.entries(value);
      count(entries.length, 'entries');
      for (const [k, v] of entries) {
        out.push(...problems(s.key!.shape, k, `${at}.key(${JSON.stringify(k)})`), ...problems(s.value!.shape, v, `${at}[${JSON.stringify(k)}]`));
      }
      return out;
    }
    case 'list':
      if (!Array.isArray(value)) {
        return [`${at}: not a list`];
      }
      count(value.length, 'entries');
      value.forEach((v, i) => out.push(...problems(s.member!.shape, v, `${at}[${i}]`)));
      return out;
    case 'structure': {
      if (value === null || typeof value !== 'object') {
        return [`${at}: not a structure`];
      }
      const obj = value as Record<string, unknown>;
      for (const name of s.required ?? []) {
        if (obj[name] === undefined) {
          out.push(`${at}.${name}: required`);
        }
      }
      for (const [name, ref] of Object.entries(s.members ?? {})) {
        if (obj[name] !== undefined) {
          out.push(...problems(ref.shape, obj[name], `${at}.${name}`));
        }
      }
      return out;
    }
    default:
      return [];
  }
}

/** What an operation's input breaks in the model. */
export function inputProblems(operation: string, input: object): string[] {
  const op = MODEL.operations[operation];
  if (!op) {
    throw new Error(`no operation ${operation} in the IoT model`);
  }
  return problems(op.input.shape, input, operation);
}
