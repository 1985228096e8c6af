#!/bin/sh
# kubecraft's nginx stand-in entrypoint: like the official one, runs the command given (default: nginx in the
# foreground); the official image's /docker-entrypoint.d hooks (IPv6 listen, envsubst templates) are not provided.
set -e
exec "$@"
