/**
 * Reading a configuration file: JSON or YAML, chosen by the file's extension (`.yaml`
 * and `.yml` are YAML, anything else JSON). A syntax error names the file, the line and
 * the column; a file that cannot be read says so in words
 * (`cannot read config /x.json: no such file`).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument, YAMLParseError } from 'yaml';
import { ConfigError, osErrorText } from './config.js';

/** True for a file name that says YAML. */
export function isYamlFile(file: string): boolean {
  const ext = extname(file).toLowerCase();
  return ext === '.yaml' || ext === '.yml';
}

/** The text of a config file; `what` names it in the error (`config`, `vnet config`). */
export function readConfigText(file: string, what = 'config'): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const why = osErrorText(e);
    throw new ConfigError(file, `cannot read: ${why}`, `cannot read ${what} ${file}: ${why}`);
  }
}

/** Reads and parses a config file (JSON or YAML by its extension). */
export function readConfigFile(file: string, what = 'config'): unknown {
  return parseConfigText(readConfigText(file, what), file);
}

/** Parses config text; `file` chooses the syntax by its extension and names the source. */
export function parseConfigText(text: string, file: string): unknown {
  return isYamlFile(file) ? parseYaml(text, file) : parseJson(text, file);
}

function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text);
  const err = doc.errors[0];
  if (err) {
    const at = err.linePos?.[0];
    const where = at ? ` at line ${at.line}, column ${at.col}` : '';
    throw new ConfigError(file, `not valid YAML${where}: ${firstLine(err.message)}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    if (!(e instanceof YAMLParseError) && !(e instanceof ReferenceError)) throw e;
    throw new ConfigError(file, `not valid YAML: ${firstLine((e as Error).message)}`);
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const { line, col } = jsonErrorPlace(text, msg);
    const what = msg
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/, (\.\.\.)?".*" is not valid JSON$/s, '')
      .replace(/\n/g, '\\n');
    throw new ConfigError(file, `not valid JSON at line ${line}, column ${col}: ${what}`);
  }
}

/**
 * Where JSON.parse failed: its `position N` when it gives one; otherwise the yaml
 * package's JSON-schema parser finds the place (JSON is YAML); failing that, the end.
 */
function jsonErrorPlace(text: string, msg: string): { line: number; col: number } {
  const pos = /at position (\d+)/.exec(msg);
  if (pos) return lineCol(text, Number(pos[1]));
  const at = parseDocument(text, { schema: 'json' }).errors[0]?.linePos?.[0];
  if (at) return { line: at.line, col: at.col };
  return lineCol(text, text.length);
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
