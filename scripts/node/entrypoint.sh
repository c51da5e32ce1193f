#!/bin/sh
# The local Bytewax image's entrypoint, doing what the one in Bytewax's
# image does: run the file BYTEWAX_PYTHON_FILE_PATH names from
# BYTEWAX_WORKDIR in the /venv virtualenv, say that the process ended, and
# stay up afterwards when BYTEWAX_KEEP_CONTAINER_ALIVE is true. The
# component does not use it: its pods run a program of their own.
cd "$BYTEWAX_WORKDIR" || exit 1
. /venv/bin/activate
python -m bytewax.run $BYTEWAX_PYTHON_FILE_PATH
echo 'Process ended.'
if [ "$BYTEWAX_KEEP_CONTAINER_ALIVE" = true ]; then
	echo 'Keeping the container alive.'
	while :; do sleep 1; done
fi
