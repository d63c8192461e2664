# Sourced by ./st4j and .ci/run: exports JAVA_HOME as a JDK 21 or newer (the machine's default java may be older).
# Order: $JAVA_HOME if it is new enough, then JDKs under /usr/lib/jvm (newest first), then the java on PATH.

st4j_java_major() {
  # A JDK's release file names its version; reading it costs nothing, where asking the JVM starts one (~0.1 s on
  # every ./st4j run). JDKs without the file are asked.
  local v
  if [ -f "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9.]*\).*/\1/p' "$1/release")
  fi
  if [ -z "${v:-}" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 |
      awk -F'= ' '/java.specification.version/ { print $2; exit }')
  fi
  v=${v#1.}
  printf '%s\n' "${v%%.*}"
}

st4j_pick_jdk() {
  local candidates=() c major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${c%/}"); done
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major=$(st4j_java_major "$c")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      printf '%s\n' "$c"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(st4j_pick_jdk); then
  echo "st4j: no JDK 21 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm/*, javac on PATH)." >&2
  echo "      Install one (e.g. Temurin 21 or 25) and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
