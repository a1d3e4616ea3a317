# Sourced by ./mvnw, ./quire and .ci/run: point JAVA_HOME at a JDK 25 or newer, or stop with a clear message.
# Order: $JAVA_HOME, then `java` on the PATH, then the usual install places.
quire_java_major() {
  # Prints the feature version of the java binary given ("25"), or nothing when it is not runnable.
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}
quire_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" \
                   "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")" 2>/dev/null)" \
                   /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
                   /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(quire_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
if ! QUIRE_JDK=$(quire_find_jdk); then
  echo "quire: no JDK 25 found. Looked at \$JAVA_HOME (${JAVA_HOME:-unset}), the java on PATH, /usr/lib/jvm, /usr/java, /opt and ~/.sdkman." >&2
  echo "quire: install a JDK 25 (for example Temurin 25) and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME="$QUIRE_JDK"
unset QUIRE_JDK
