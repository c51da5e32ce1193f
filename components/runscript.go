package components

// runScript is the dataflow container's program, in place of the image's
// entrypoint.sh, which neither passes SIGTERM on to Python nor keeps its
// exit code. It does what entrypoint.sh does (the working directory, the
// image's virtualenv, `python -m bytewax.run` with the file) so that:
//   - without keep-alive, Python replaces the shell: it receives SIGTERM
//     itself, and its exit code is the container's;
//   - with BYTEWAX_KEEP_CONTAINER_ALIVE=true, the shell passes SIGTERM and
//     SIGINT on to Python, reports how Python ended, then stays up for
//     inspection until it is stopped, and exits with Python's code.
//
// BYTEWAX_PYTHON_FILE_PATH is expanded unquoted, as entrypoint.sh does, so
// that it stays one word only because validation refuses spaces in it.
const runScript = `set -u
cd "$BYTEWAX_WORKDIR"
if [ -f /venv/bin/activate ]; then . /venv/bin/activate; fi
if [ "${BYTEWAX_KEEP_CONTAINER_ALIVE:-}" != true ]; then
  exec python -m bytewax.run $BYTEWAX_PYTHON_FILE_PATH
fi
python -m bytewax.run $BYTEWAX_PYTHON_FILE_PATH &
pid=$!
stopping=
trap 'stopping=1; kill -TERM "$pid" 2>/dev/null' TERM INT
code=0
while :; do
  wait "$pid"; code=$?
  kill -0 "$pid" 2>/dev/null || break
done
echo "bytewax: the dataflow process ended with exit code $code"
[ -n "$stopping" ] && exit "$code"
trap 'exit "$code"' TERM INT
echo "bytewax: BYTEWAX_KEEP_CONTAINER_ALIVE keeps the container running; the pod is not Ready"
while :; do sleep 3600 & wait $!; done
`
