// `camlet completion bash|zsh`: a completion script written from the commands and flags as
// commander knows them, so that it never lags behind them. Camera names are completed by asking
// the controller (`camlet get cameras -o jsonpath=...`), with the --server the line names.
import type { Command, Option } from 'commander';
import { CliError } from '../client/errors.js';
import { action } from '../run.js';

function flagsOf(options: readonly Option[]): string[] {
  return options.flatMap((option) => [option.long, option.short].filter((flag): flag is string => flag !== undefined));
}

/** Flags whose value is the next word (so that word is no command or name). */
function valueFlagsOf(options: readonly Option[]): string[] {
  return flagsOf(options.filter((option) => option.required));
}

function words(list: Iterable<string>): string {
  return [...new Set(list)].sort().join(' ');
}

export function bashCompletion(program: Command): string {
  const commands = program.commands;
  const global = flagsOf(program.options);
  const valueFlags = new Set([...valueFlagsOf(program.options), ...commands.flatMap((command) => valueFlagsOf(command.options))]);
  const flagCases = commands
    .map((command) => `      ${command.name()}) flags="${words([...flagsOf(command.options), ...global, '--help'])}" ;;`)
    .join('\n');
  return `# bash completion for camlet, from \`camlet completion bash\`.
# Load it in this shell with:   source <(camlet completion bash)
# or for every shell:           camlet completion bash > /etc/bash_completion.d/camlet

__camlet_cameras() {
  camlet "\${__camlet_server[@]}" get cameras -o 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}' 2>/dev/null
}

_camlet() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local command="" word flags i skip=0
  local -a args=()
  __camlet_server=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if ((skip)); then
      skip=0
      continue
    fi
    case "$word" in
      --server|--token|--request-timeout) __camlet_server+=("$word" "\${COMP_WORDS[i+1]}"); skip=1 ;;
      --server=*|--token=*|--request-timeout=*) __camlet_server+=("$word") ;;
      ${[...valueFlags].sort().join('|')}) skip=1 ;;
      -*) ;;
      *) if [[ -z "$command" ]]; then command="$word"; else args+=("$word"); fi ;;
    esac
  done

  case "$prev" in
    -f|--filename|--config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --manifests|--storage) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    -o|--output) COMPREPLY=($(compgen -W "json yaml name wide jsonpath=" -- "$cur")); return ;;
    --sort-by) [[ "$command" == top ]] && COMPREPLY=($(compgen -W "cpu memory" -- "$cur")); return ;;
    --for) COMPREPLY=($(compgen -W "$(__camlet_cameras | sed 's|^|camera/|')" -- "$cur")); return ;;
    ${[...valueFlags].filter((flag) => !['-f', '--filename', '--config', '--manifests', '--storage', '-o', '--output', '--sort-by', '--for'].includes(flag)).sort().join('|')}) return ;;
  esac

  if [[ -z "$command" ]]; then
    if [[ "$cur" == -* ]]; then
      COMPREPLY=($(compgen -W "${words([...global, '--help', '--version'])}" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "${words([...commands.map((command) => command.name()), 'help'])}" -- "$cur"))
    fi
    return
  fi

  if [[ "$cur" == -* ]]; then
    case "$command" in
${flagCases}
      *) flags="${words([...global, '--help'])}" ;;
    esac
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    return
  fi

  case "$command" in
    get)
      if ((\${#args[@]} == 0)); then
        COMPREPLY=($(compgen -W "cameras events" -- "$cur"))
      elif [[ "\${args[0]}" == cam* ]]; then
        COMPREPLY=($(compgen -W "$(__camlet_cameras)" -- "$cur"))
      fi ;;
    describe|delete|top)
      if ((\${#args[@]} == 0)); then
        COMPREPLY=($(compgen -W "cameras" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "$(__camlet_cameras)" -- "$cur"))
      fi ;;
    logs|record)
      ((\${#args[@]} == 0)) && COMPREPLY=($(compgen -W "$(__camlet_cameras)" -- "$cur")) ;;
    completion)
      ((\${#args[@]} == 0)) && COMPREPLY=($(compgen -W "bash zsh" -- "$cur")) ;;
    help)
      ((\${#args[@]} == 0)) && COMPREPLY=($(compgen -W "${words(commands.map((command) => command.name()))}" -- "$cur")) ;;
  esac
}

complete -o default -F _camlet camlet
`;
}

export function zshCompletion(program: Command): string {
  return `#compdef camlet
# zsh completion for camlet, from \`camlet completion zsh\`: the bash completion through zsh's bashcompinit.
# Load it in this shell with:   source <(camlet completion zsh)

autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit

${bashCompletion(program)}`;
}

export function addCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('Print a shell completion script: source <(camlet completion bash)')
    .argument('<shell>', 'bash or zsh')
    .addHelpText('after', '\nExamples:\n  source <(camlet completion bash)\n  camlet completion zsh > "${fpath[1]}/_camlet"')
    .action(
      action(async (shell: string) => {
        if (shell === 'bash') process.stdout.write(bashCompletion(program));
        else if (shell === 'zsh') process.stdout.write(zshCompletion(program));
        else throw new CliError(`Unsupported shell type "${shell}": bash or zsh`);
        return Promise.resolve();
      }),
    );
}
