/**
 * Help text (overall and per command) and the bash completion script, both built from
 * the command table so they cannot drift from what the commands accept.
 */
import type { Command } from './context.js';

export const GLOBAL_OPTIONS: readonly (readonly [string, string])[] = [
  ['-O, --protocols=OpenFlow13', 'the OpenFlow version (ofctl-ts speaks 1.3 only)'],
  ['--names / --no-names', 'show port names instead of numbers (default: names on a terminal)'],
  ['--sort[=FIELD], --rsort[=FIELD]', 'dump-flows: sort by FIELD (priority when omitted)'],
  ['--no-stats', 'dump-flows: leave out durations and counters'],
  ['--strict', 'mod-flows, del-flows: match priority and every field exactly'],
  ['--readd', 'replace-flows: re-add flows that did not change too'],
  ['-t, --timeout=SECS', 'give up waiting for the switch after SECS (default 60, 0 = never)'],
  ['-m, --more', 'print more detail (repeat for more)'],
  ['-h, --help', 'show help (ofctl-ts help COMMAND for one command)'],
  ['-V, --version', 'print the version'],
];

/** Help lines are at most this wide; a long synopsis puts its description on the next line. */
export const HELP_WIDTH = 100;
const DESC_COLUMN = 36;

/** "  SYNOPSIS  description", or the description on a line of its own under a long synopsis. */
function entry(synopsis: string, description: string): string {
  const head = `  ${synopsis}`;
  const indent = ' '.repeat(DESC_COLUMN);
  // The description, wrapped at spaces to fit beside the description column.
  const rows: string[] = [];
  let row = '';
  for (const word of description.split(' ')) {
    if (row && DESC_COLUMN + row.length + 1 + word.length > HELP_WIDTH) {
      rows.push(row);
      row = word;
    } else row = row ? `${row} ${word}` : word;
  }
  rows.push(row);
  const body = rows.join(`\n${indent}`);
  if (head.length + 2 <= DESC_COLUMN) return `${head.padEnd(DESC_COLUMN)}${body}`;
  return `${head}\n${indent}${body}`;
}

export function usageText(commands: readonly Command[]): string {
  const lines = commands.map((c) => entry(`${c.name} ${c.usage}`, c.summary));
  const opts = GLOBAL_OPTIONS.map(([o, d]) => entry(o, d));
  return (
    'ofctl-ts: an ovs-ofctl compatible OpenFlow 1.3 switch management utility\n' +
    'usage: ofctl-ts [OPTIONS] COMMAND [ARG...]\n\n' +
    'SWITCH is a bridge name (its socket $OVS_RUNDIR/BRIDGE.mgmt, OVS_RUNDIR defaults to\n' +
    '/var/run/openvswitch), unix:PATH, or tcp:HOST[:PORT] for a switch listening with ptcp:.\n\n' +
    `Commands:\n${lines.join('\n')}\n` +
    `${entry('controller [OPTIONS]', 'run the OpenFlow 1.3 controller and its apps')}\n` +
    `${entry('help [COMMAND]', "this text, or one command's help (help controller)")}\n` +
    `${entry('completion bash', 'print a bash completion script')}\n\n` +
    `Options:\n${opts.join('\n')}\n`
  );
}

export function commandHelp(c: Command): string {
  return `usage: ofctl-ts ${c.name} ${c.usage}\n${c.summary}\n\n${c.help}\n`;
}

/** A bash completion script: command names, then bridges for SWITCH, then files. */
export function bashCompletion(commands: readonly Command[]): string {
  const names = commands
    .map((c) => c.name)
    .concat(['controller', 'help', 'completion'])
    .join(' ');
  const switchCmds = commands
    .filter((c) => c.switchArg)
    .map((c) => c.name)
    .join('|');
  const opts =
    '--protocols= --names --no-names --sort --rsort --no-stats --strict --readd --timeout= --more --help --version';
  return `# bash completion for ofctl-ts; load with: source <(ofctl-ts completion bash)
_ofctl_ts() {
  local cur cmd i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "${opts}" -- "$cur") )
  elif [[ -z "$cmd" ]]; then
    COMPREPLY=( $(compgen -W "${names}" -- "$cur") )
  elif [[ "$cmd" == help ]]; then
    COMPREPLY=( $(compgen -W "${names}" -- "$cur") )
  elif [[ $((COMP_CWORD - i)) -eq 1 ]] && [[ "$cmd" =~ ^(${switchCmds})$ ]]; then
    local rundir="\${OVS_RUNDIR:-/var/run/openvswitch}" bridges
    bridges=$(cd "$rundir" 2>/dev/null && ls *.mgmt 2>/dev/null | sed 's/\\.mgmt$//')
    COMPREPLY=( $(compgen -W "$bridges unix: tcp:" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -F _ofctl_ts ofctl-ts
`;
}
