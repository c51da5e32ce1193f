package components

// runScript is the dataflow container's program, in place of the image's
// entrypoint.sh, which neither passes SIGTERM on to Python nor keeps its
// exit code. It does what entrypoint.sh does (the working directory, the
// image's virtualenv, `python -m bytewax.run` with the file), but:
//   - Python starts through runBytewax, which turns SIGTERM into the
//     KeyboardInterrupt that Bytewax stops cleanly on: bytewax.run installs
//     no handler of its own, and as a container's first process Python
//     would otherwise ignore SIGTERM until it is killed;
//   - without keep-alive, Python replaces the shell, so its exit code is the
//     container's;
//   - with BYTEWAX_KEEP_CONTAINER_ALIVE=true, the shell passes SIGTERM and
//     SIGINT on to Python, reports how Python ended, then stays up for
//     inspection until it is stopped, and exits with Python's code.
const runScript = `set -u
cd "$BYTEWAX_WORKDIR" || exit 1
` + activateVenv + `
if [ "${BYTEWAX_KEEP_CONTAINER_ALIVE:-}" != true ]; then
  exec python -c '` + runBytewax + `' "$BYTEWAX_PYTHON_FILE_PATH"
fi
stopping=
pid=
trap 'stopping=1; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null' TERM INT
python -c '` + runBytewax + `' "$BYTEWAX_PYTHON_FILE_PATH" &
pid=$!
[ -n "$stopping" ] && kill -TERM "$pid" 2>/dev/null
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

// activateVenv puts the image's virtualenv first on PATH, where Bytewax's
// images install Bytewax: their PATH leaves it out, and the `python` it
// finds first (/usr/local/bin) has no Bytewax.
const activateVenv = `if [ -f /venv/bin/activate ]; then . /venv/bin/activate; fi`

// runBytewax runs `python -m bytewax.run FILE` with SIGTERM and SIGINT
// raising KeyboardInterrupt, Bytewax's way to stop cleanly. It is Python
// on one line, free of single quotes, for runScript.
const runBytewax = `import runpy, signal, sys; [signal.signal(s, signal.default_int_handler) for s in (signal.SIGTERM, signal.SIGINT)]; runpy.run_module("bytewax.run", run_name="__main__", alter_sys=True)`
