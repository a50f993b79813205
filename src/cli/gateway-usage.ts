/** Help of `floorboard gateway`; its own module so the command table loads nothing else. */
export const GATEWAY_USAGE = `Usage: floorboard gateway --plant FILE --service URL --user ID --data-dir DIR [options]

Reads the machines of the gateway user's stations over OPC UA or Modbus TCP, as each station's "connector" in
the plant file maps them (docs/adr/0013-machine-connectors.md), and publishes Floorboard's own
signals (machine.state, machine.counter, machine.heartbeat) to the plant service through its normal
ingest. Runs beside the service or at the edge beside the machines, until stopped (Ctrl-C).
Events wait in DIR/queue.jsonl until the service acknowledges them, so a gateway cut off from the
service, or restarted, loses nothing and sends nothing twice. Its connections' health goes to the
service (admin area, /metrics) on the gateway's own retained health topic.

Options:
  --plant FILE          plant file (.json, .yaml or .yml), the one the service runs    required
  --service URL         the plant service, e.g. http://localhost:8080                  required
  --user ID             gateway user (role "gateway") the gateway signs in as          required
  --data-dir DIR        where the queue, counter state and OPC UA certificates live    required
  --device ID           device id of this gateway                 default: gateway-<user>
  --password-file FILE  the user's password (first line)          default: FLOORBOARD_PASSWORD
  -h, --help            show this help

Machine passwords are never in the plant file: a connector's "user.passwordEnv" names the
environment variable that holds one.
`;
