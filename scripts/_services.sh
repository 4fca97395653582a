# Throwaway PostgreSQL cluster and redis-server on loopback, for scripts/test and scripts/benchmark.
# start_services sets DATABASE_URL and REDIS_URL; stop_services (call it from an EXIT trap) removes all.

start_services() {
  PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
  [ -x "$PGBIN/initdb" ] || { echo "PostgreSQL binaries not found (set PGBIN)"; exit 1; }
  SERVICES_DIR=$(mktemp -d /tmp/portal-services.XXXXXX)
  chmod 755 "$SERVICES_DIR"
  mkdir -p "$SERVICES_DIR/pg" "$SERVICES_DIR/sock" "$SERVICES_DIR/redis"
  AS_PG=()
  if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses to run as root: the cluster belongs to the postgres system user.
    chown postgres "$SERVICES_DIR/pg" "$SERVICES_DIR/sock"
    AS_PG=(runuser -u postgres --)
  fi
  local pg_port redis_port
  pg_port=$(free_port)
  redis_port=$(free_port)
  echo "==> PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port"
  "${AS_PG[@]}" "$PGBIN/initdb" -D "$SERVICES_DIR/pg" -U portal --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  # Durability off: a throwaway cluster.
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$SERVICES_DIR/pg" -l "$SERVICES_DIR/pg/server.log" -w \
    -o "-h 127.0.0.1 -p $pg_port -k $SERVICES_DIR/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 ${PG_EXTRA_OPTS:-}" \
    start >/dev/null
  "$PGBIN/createdb" -h 127.0.0.1 -p "$pg_port" -U portal portal
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$SERVICES_DIR/redis" --pidfile "$SERVICES_DIR/redis/redis.pid" --logfile "$SERVICES_DIR/redis/redis.log"
  export DATABASE_URL="postgres://portal@127.0.0.1:$pg_port/portal"
  export REDIS_URL="redis://127.0.0.1:$redis_port/0"
  export PORTAL_VAR_DIR="$SERVICES_DIR/var"
}

stop_services() {
  [ -n "${SERVICES_DIR:-}" ] || return 0
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$SERVICES_DIR/pg" -m immediate stop >/dev/null 2>&1 || true
  local redis_pid=""
  [ -f "$SERVICES_DIR/redis/redis.pid" ] && redis_pid=$(cat "$SERVICES_DIR/redis/redis.pid")
  if [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null; then
    # Wait until redis has exited: it writes its log while shutting down, and a removal racing it fails.
    for _ in $(seq 1 50); do kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  # Cleaning up never decides the outcome of the run that called it.
  rm -rf "$SERVICES_DIR" 2>/dev/null || { sleep 1; rm -rf "$SERVICES_DIR" || true; }
}
