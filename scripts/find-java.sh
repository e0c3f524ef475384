# Sourced by ./slipway and .ci/run: sets JAVA_HOME to the first JDK 21 or newer found in
# $JAVA_HOME, on the PATH, or under /usr/lib/jvm and /opt; fails with a clear message otherwise.

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

find_jdk21() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(readlink -f "$(command -v java)")")
  for dir in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$dir/bin/java" ] && candidates+=("$dir/bin/java")
  done
  local java major
  for java in "${candidates[@]}"; do
    [ -x "$java" ] && [ -x "$(dirname "$java")/javac" ] || continue
    major=$(java_major "$java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      JAVA_HOME=$(cd "$(dirname "$java")/.." && pwd)
      export JAVA_HOME
      return 0
    fi
  done
  echo "slipway: needs a JDK 21 or newer (java and javac); none found in JAVA_HOME, PATH or /usr/lib/jvm." >&2
  echo "slipway: install one (e.g. apt-get install openjdk-21-jdk) or set JAVA_HOME to it." >&2
  return 1
}

# Flags that silence newer JDKs' warnings about Netty's, protobuf's and Maven's deliberate
# low-level access; empty on JDKs before 23, which do not know them.
quiet_jvm_flags() {
  if [ "$(java_major "$JAVA_HOME/bin/java")" -ge 23 ]; then
    echo "--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
  fi
}
