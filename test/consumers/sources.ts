/**
 * Where the consumer apps live, and how each language spells the library's
 * public API (read from the jsii assembly, .jsii).
 */
import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export const CONSUMER_SOURCES = {
  typescript: path.join(__dirname, 'typescript', 'app.ts'),
  python: path.join(__dirname, 'python', 'app.py'),
  java: path.join(__dirname, 'java', 'src', 'main', 'java', 'io', 'github', 'cdkiotpackagecatalog', 'consumer', 'ConsumerApp.java'),
};

export type Language = keyof typeof CONSUMER_SOURCES;

/**
 * The README's complete apps, one per language: the README's first example
 * (TypeScript) and its Python and Java translations are their README regions.
 */
export const README_APPS: Record<Language, string> = {
  typescript: path.join(__dirname, 'typescript', 'readme-app.ts'),
  python: path.join(__dirname, 'python', 'readme_app.py'),
  java: path.join(__dirname, 'java', 'src', 'main', 'java', 'io', 'github', 'cdkiotpackagecatalog', 'consumer', 'FirmwareCatalogApp.java'),
};

/** The Java class of the README's app, for `-Dconsumer.mainClass`. */
export const README_JAVA_MAIN_CLASS = 'io.github.cdkiotpackagecatalog.consumer.FirmwareCatalogApp';

/** The Java consumer's Maven project. */
export const JAVA_PROJECT = path.join(__dirname, 'java');

/** One public member of the library's API. */
export interface ApiMember {
  /** e.g. 'PackageVersion.grantRead' */
  readonly id: string;
  /** A pattern that a source using the member must contain, per language. */
  readonly usage: Record<Language, RegExp>;
}

interface JsiiType {
  readonly name: string;
  readonly kind: 'class' | 'interface' | 'enum';
  readonly abstract?: boolean;
  readonly datatype?: boolean;
  readonly initializer?: unknown;
  readonly methods?: Array<{ name: string; static?: boolean }>;
  readonly properties?: Array<{ name: string; static?: boolean; const?: boolean }>;
}

/**
 * Names jsii-pacmak renames in Java (JavaGenerator.RESERVED_KEYWORDS in
 * jsii-pacmak/lib/targets/java.js, which does not export it): a property or
 * struct field gets a `Value` suffix (`package` -> `packageValue(...)`,
 * `getPackageValue()`), a method a `do` prefix (`import` -> `doImport(...)`).
 */
const JAVA_RESERVED = new Set([
  'abstract', 'assert', 'boolean', 'break', 'build', 'byte', 'case', 'catch', 'char', 'class', 'const', 'continue',
  'default', 'double', 'do', 'else', 'enum', 'extends', 'false', 'final', 'finally', 'float', 'for', 'goto', 'if',
  'implements', 'import', 'instanceof', 'int', 'interface', 'long', 'native', 'new', 'null', 'package', 'private',
  'protected', 'public', 'return', 'short', 'static', 'strictfp', 'super', 'switch', 'synchronized', 'this', 'throw',
  'throws', 'transient', 'true', 'try', 'void', 'volatile', 'while', '_',
]);
const javaProperty = (name: string) => (JAVA_RESERVED.has(name) ? `${name}Value` : name);
const javaMethod = (name: string) => (JAVA_RESERVED.has(name) ? `do${name[0].toUpperCase()}${name.slice(1)}` : name);

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const pascal = (name: string) => name[0].toUpperCase() + name.slice(1);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Every public member of the library: constructors, static and instance
 * methods, properties, and struct fields, with how each language uses it.
 */
export function publicApi(): ApiMember[] {
  const assembly = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, '.jsii'), 'utf8')) as { types: Record<string, JsiiType> };
  const members: ApiMember[] = [];
  for (const type of Object.values(assembly.types)) {
    const t = escape(type.name);
    if (type.kind === 'class' && type.initializer) {
      members.push({
        id: `${type.name} constructor`,
        usage: type.abstract
          // An abstract class is constructed through a subclass (Java sees a
          // protected constructor and no Builder).
          ? { typescript: new RegExp(`\\bextends ${t}\\b`), python: new RegExp(`\\bclass \\w+\\(${t}\\)`), java: new RegExp(`\\bextends ${t}\\b`) }
          : { typescript: new RegExp(`new ${t}\\(`), python: new RegExp(`\\b${t}\\(`), java: new RegExp(`${t}\\.Builder\\.create\\(`) },
      });
    }
    for (const method of type.methods ?? []) {
      const m = escape(method.name);
      const receiver = method.static ? `${t}\\.` : '\\.';
      members.push({
        id: `${type.name}.${method.name}`,
        usage: {
          typescript: new RegExp(`${receiver}${m}\\(`),
          python: new RegExp(`${receiver}${escape(snake(method.name))}\\(`),
          java: new RegExp(`${receiver}${escape(javaMethod(method.name))}\\(`),
        },
      });
    }
    for (const property of type.properties ?? []) {
      const p = escape(property.name);
      const javaP = escape(javaProperty(property.name));
      if (property.const) {
        // A constant (static readonly, in upper case): jsii keeps its name in
        // Python, and Java has it as a public static final field.
        const usage = new RegExp(`${t}\\.${p}\\b`);
        members.push({ id: `${type.name}.${property.name}`, usage: { typescript: usage, python: usage, java: usage } });
        continue;
      }
      const receiver = property.static ? `${t}\\.` : '\\.';
      members.push({
        id: `${type.name}.${property.name}`,
        usage: type.datatype
          ? {
            // A struct field: an object-literal key, a keyword argument, a builder method.
            typescript: new RegExp(`\\b['"]?${p}['"]?:`),
            python: new RegExp(`\\b${escape(snake(property.name))}=`),
            java: new RegExp(`\\.${javaP}\\(`),
          }
          : {
            typescript: new RegExp(`${receiver}${p}\\b`),
            python: new RegExp(`${receiver}${escape(snake(property.name))}\\b`),
            java: new RegExp(`${receiver}get${escape(pascal(javaProperty(property.name)))}\\(\\)`),
          },
      });
    }
  }
  return members;
}

/**
 * The part of a README app between `README:start` and `README:end`,
 * dedented, as the README shows it: the TypeScript app imports the library
 * from src/, the README by its package name.
 */
export function readmeRegion(language: Language): string {
  const file = README_APPS[language];
  const source = fs.readFileSync(file, 'utf8').replace("from '../../../src';", "from 'cdk-iot-package-catalog';");
  const m = /README:start[^\n]*\n([\s\S]*?)\n[^\n]*README:end/.exec(source);
  if (!m) {
    throw new Error(`${file} has no README:start / README:end region`);
  }
  const lines = m[1].split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
