/** Help text of `floorboard broker-config`; its own module so the command table loads nothing else. */
export const BROKER_CONFIG_USAGE = `Usage: floorboard broker-config --plant FILE --out DIR [options]
       floorboard broker-config --central FILE --out DIR [--tcp-port N] [--bind ADDR]

Writes a Mosquitto 2 configuration that enforces the plant's roles and scopes, the same rules as
the embedded broker (see docs/adr/0004-external-broker-auth.md).

Options:
  --plant FILE      plant file (YAML or JSON)
  --central FILE    many sites: the central broker of the central file (its sites and users): one
                    account per site bridge that may write only its site's topics, and one for the
                    central service; credentials.json holds each site's bridge password
  --out DIR         directory to write into (created if missing)
  --auth MODE       dynsec (default): the dynamic-security plugin; the service adds one broker
                    client per login session (random password, bound to the device id, deleted
                    when the token expires), so tablets sign in to Mosquitto as to the embedded
                    broker. acl: password_file + acl_file with one random long-lived password per
                    plant user in credentials.json (machines, evaluation; no client-id binding)
  --tcp-port N      MQTT listener port (default 1883)
  --ws-port N       MQTT over WebSocket listener port (default 9001)
  --bind ADDR       address both listeners bind to (default: all)
  --plugin PATH     dynamic-security plugin (default /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so)
  --bridge-to URL   many sites: bridge this site's broker to the central one (mqtt://host:port or
                    mqtts://host:port); entries and signals go out at QoS 1 and wait here while the
                    link is down (docs/deployment.md)
  --bridge-user ID  this site's account on the central broker (with --bridge-to)
  --bridge-password-file FILE
                    its password (first line); default: FLOORBOARD_BRIDGE_PASSWORD. Never on the
                    command line; mosquitto.conf then holds it and is written 0600
  -h, --help        show this help

Files (--central): mosquitto.conf, passwords, acl, credentials.json, service.env (MQTT_URL,
MQTT_USERNAME, MQTT_PASSWORD, CENTRAL_FILE of the central service).
Files (--plant): mosquitto.conf, service.env (MQTT_URL, MQTT_WS_URL, MQTT_USERNAME, MQTT_PASSWORD of the service), and
dynamic-security.json (dynsec) or passwords, acl, credentials.json (acl). Secrets are written 0600.
As root, the files Mosquitto reads belong to the user "mosquitto" it drops to; DIR must lie below
directories that user may enter.
Run: mosquitto -c DIR/mosquitto.conf; then start the service with the variables of service.env.
`;
