# bash completion for htpasswd-rs (Apache htpasswd flags, the long-option extensions, `passwd`).
# Install: cp htpasswd-rs.bash /usr/share/bash-completion/completions/htpasswd-rs
_htpasswd_rs() {
    local cur prev
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    if [[ ${COMP_WORDS[1]} == passwd && ( $COMP_CWORD -eq 1 || ${COMP_WORDS[2]} == -* ) ]]; then
        case $prev in
            -in) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        esac
        COMPREPLY=($(compgen -W "-1 -apr1 -5 -6 -salt -stdin -in -noverify -quiet -table -reverse -help" -- "$cur"))
        return
    fi
    case $prev in
        -C) COMPREPLY=($(compgen -W "4 5 6 7 8 9 10 11 12 13 14 15 16 17" -- "$cur")); return ;;
        -r) COMPREPLY=($(compgen -W "1000 5000 10000 100000" -- "$cur")); return ;;
        --level) COMPREPLY=($(compgen -W "info warning error" -- "$cur")); return ;;
        --argon2-memory) COMPREPLY=($(compgen -W "19456 47104 65536 262144" -- "$cur")); return ;;
        --argon2-time) COMPREPLY=($(compgen -W "1 2 3 4" -- "$cur")); return ;;
        --argon2-parallelism) COMPREPLY=($(compgen -W "1 2 4" -- "$cur")); return ;;
    esac
    if [[ $COMP_CWORD -eq 1 && $cur == --* ]]; then
        COMPREPLY=($(compgen -W "--batch --list --lint --help --version --yescrypt --argon2id --argon2-memory --argon2-time --argon2-parallelism" -- "$cur"))
    elif [[ $cur == --* ]]; then
        COMPREPLY=($(compgen -W "--yescrypt --argon2id --argon2-memory --argon2-time --argon2-parallelism" -- "$cur"))
    elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "-c -n -b -i -m -2 -5 -B -C -r -d -s -p -D -v" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -F _htpasswd_rs htpasswd-rs
