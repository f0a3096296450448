# pgcdc's release archive on a Java 17 runtime. Not built in CI (no container engine there).
#   ./mvnw -B -DskipTests package          # makes target/pgcdc-VERSION.tar.gz
#   docker build -t pgcdc .
#   docker run -e PGCDC_DB_URL=jdbc:postgresql://db:5432/app -e PGCDC_DB_USER=cdc -e PGCDC_DB_PASSWORD=... \
#              -e PGCDC_KAFKA_BOOTSTRAP=kafka:9092 pgcdc capture --mode logical
# Ubuntu-based Temurin image: its own Dockerfile installs curl, which the health check uses (the JRE has no HTTP client command).
FROM eclipse-temurin:17-jre-noble

# A local tar.gz is unpacked by ADD: /opt/pgcdc-VERSION/{bin,lib,docs,LICENSE}.
ADD target/pgcdc-*.tar.gz /opt/
RUN ln -s /opt/pgcdc-* /opt/pgcdc \
    && useradd --system --no-create-home --shell /usr/sbin/nologin --uid 10001 pgcdc
USER 10001

# capture serves /metrics and /health/{live,ready} on this port (PGCDC_METRICS_PORT is --metrics-port).
ENV PGCDC_METRICS_PORT=9090
EXPOSE 9090
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${PGCDC_METRICS_PORT}/health/ready" || exit 1

ENTRYPOINT ["/opt/pgcdc/bin/pgcdc"]
CMD ["capture"]
