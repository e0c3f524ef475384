# One image per Slipway service, built from this repository:
#   docker build --build-arg MODULE=orchestrator \
#     --build-arg MAIN=dev.slipway.orchestrator.OrchestratorApplication -t slipway-orchestrator .
# docker-compose.yml builds each service (and the CLI, for the one-shot token job) this way.
FROM eclipse-temurin:21-jdk-noble AS build
WORKDIR /src
COPY . .
ARG MODULE
RUN ./mvnw -B -q -DskipTests -pl "$MODULE" -am install \
 && ./mvnw -B -q -pl "$MODULE" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory=target/lib

FROM eclipse-temurin:21-jre-noble
ARG MODULE
ARG MAIN
# The backup-service's pg_dump, pg_restore and psql must be of the server's major version.
ARG PG_CLIENT=
RUN if [ -n "$PG_CLIENT" ]; then \
      apt-get update && apt-get install -y --no-install-recommends "$PG_CLIENT" \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
 && useradd --system --uid 10001 --create-home --home-dir /var/lib/slipway slipway \
 && mkdir -p /var/lib/slipway/tokens /var/lib/slipway/keys /var/lib/slipway/backups \
 && chown -R slipway:slipway /var/lib/slipway && chmod 0700 /var/lib/slipway/keys
COPY --from=build /src/$MODULE/target/classes /app/classes
COPY --from=build /src/$MODULE/target/lib /app/lib
ENV SLIPWAY_MAIN=$MAIN
USER slipway
WORKDIR /var/lib/slipway
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -cp '/app/classes:/app/lib/*' \"$SLIPWAY_MAIN\" \"$@\"", "slipway"]
