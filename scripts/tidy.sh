#!/usr/bin/env bash
# Runs clang-tidy with the repository's .clang-tidy on the C++ sources a change touched, every
# warning an error. Headers are checked through the sources that include them
# (HeaderFilterRegex in .clang-tidy).
#
#   scripts/tidy.sh                 sources changed by the last $TIDY_COMMITS commits (default 10)
#   scripts/tidy.sh --base REF      sources changed since REF
#   scripts/tidy.sh FILE...         these sources
#
# At most $TIDY_MAX_FILES sources (default 24, the most recently changed first) so that CI's
# time stays bounded however large the change. Needs build/release/compile_commands.json
# (scripts/test.sh writes it).
set -euo pipefail
cd "$(dirname "$0")/.."
db=build/release
[ -f "$db/compile_commands.json" ] || { echo "tidy: $db/compile_commands.json missing: run scripts/test.sh first" >&2; exit 2; }

files=()
if [ "${1:-}" = --base ]; then
  base=$2
  shift 2
elif [ $# -eq 0 ]; then
  commits=$(git rev-list --first-parent --count HEAD)
  n=${TIDY_COMMITS:-10}
  [ "$commits" -gt "$n" ] && base=HEAD~$n || base=$(git rev-list --max-parents=0 HEAD | tail -n 1)
fi
if [ $# -gt 0 ]; then
  files=("$@")
else
  # Most recently changed first: the order git log lists them in.
  mapfile -t files < <(git log --first-parent --format= --name-only --diff-filter=AM "$base..HEAD" -- \
                         'src/*.cc' 'tests/*.cc' | awk 'NF && !seen[$0]++' |
                       while read -r f; do [ -f "$f" ] && echo "$f"; done | head -n "${TIDY_MAX_FILES:-24}")
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "tidy: no changed C++ sources"
  exit 0
fi
echo "tidy: ${#files[@]} sources"
# -Wno-unknown-warning-option: the database holds GCC's flags, some of which clang lacks.
printf '%s\n' "${files[@]}" |
  xargs -P "${RETAILCAST_JOBS:-2}" -n 1 clang-tidy -p "$db" --quiet --warnings-as-errors='*' \
    --extra-arg=-Wno-unknown-warning-option 2> >(grep -vE '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed|^Use -header-filter' >&2)
echo "tidy: clean"
