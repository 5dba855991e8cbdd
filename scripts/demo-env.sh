# Sourced by `make demo` (and by tests/ops/test_demo_debug_off.py): the demo runs as production does, with debug off
# and its keys in a directory of their own beside the data directory, never inside it (docs/deployment.md).
#   . scripts/demo-env.sh
# Creates the keys directory (0700) and Django's secret key (0600) if missing; `manage.py init_keys` makes the rest.
# Keys a demo made earlier in its data directory (when it ran in debug mode) are moved out, so its data stays readable.
: "${VIGIL_DATA_DIR:=$PWD/data}"
: "${VIGIL_DEMO_KEYS_DIR:=$(dirname "$VIGIL_DATA_DIR")/demo-keys}"
export VIGIL_DATA_DIR VIGIL_DEMO_KEYS_DIR
export VIGIL_DEBUG="${VIGIL_DEBUG:-0}"
export VIGIL_MASTER_KEY_FILE="$VIGIL_DEMO_KEYS_DIR/master.key"
export VIGIL_LOG_SIGNING_KEY_FILE="$VIGIL_DEMO_KEYS_DIR/log-signing.key"
export VIGIL_VAPID_KEY_FILE="$VIGIL_DEMO_KEYS_DIR/vapid.pem"
export VIGIL_SECRET_KEY_FILE="$VIGIL_DEMO_KEYS_DIR/secret_key"
# Passkeys on http://127.0.0.1 (a browser treats loopback as a secure context; the demo has no TLS).
export VIGIL_WEBAUTHN_ALLOW_INSECURE_ORIGIN="${VIGIL_WEBAUTHN_ALLOW_INSECURE_ORIGIN:-1}"
(
  umask 077
  mkdir -p "$VIGIL_DEMO_KEYS_DIR"
  chmod 700 "$VIGIL_DEMO_KEYS_DIR"
  for old in "$VIGIL_DATA_DIR/keys/master.key" "$VIGIL_DATA_DIR/keys/log-signing.key" "$VIGIL_DATA_DIR/keys/vapid.pem" \
             "$VIGIL_DATA_DIR/secret_key"; do
    if [ -f "$old" ] && [ ! -e "$VIGIL_DEMO_KEYS_DIR/$(basename "$old")" ]; then
      mv "$old" "$VIGIL_DEMO_KEYS_DIR/" && chmod 600 "$VIGIL_DEMO_KEYS_DIR/$(basename "$old")"
    fi
  done
  if [ ! -s "$VIGIL_SECRET_KEY_FILE" ]; then
    python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > "$VIGIL_SECRET_KEY_FILE"
  fi
)
