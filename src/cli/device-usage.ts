/** Help of `floorboard device`; its own module so the command table loads nothing else. */
export const DEVICE_USAGE = `Usage: floorboard device list --url URL --user ID [options]
       floorboard device revoke DEVICE_ID --url URL --user ID [--reason TEXT] [options]

Lists the plant's tablets and gateways, or revokes one, through a running plant service
(GET /api/devices, POST /api/devices/DEVICE_ID/revoke), signed in as an admin. Only the running
service can end a device's open broker session at once, so this command does not touch the
database directly.

Revoking a device ends its broker session now, its tokens stop working at the API and the broker,
and it must be enrolled again (a lead or an admin signs in on it; a gateway signs in again itself).
Entries still in a tablet's outbox stay there and are sent after it is enrolled again.

Options:
  --url URL             the plant service, e.g. http://localhost:8080                required
  --user ID             an admin's user id (password from --password-file FILE,
                        first line, or FLOORBOARD_PASSWORD)                          required
  --password-file FILE  file holding the password
  --reason TEXT         revoke: why (kept with the revocation)
  --json                list: the service's answer as JSON, not a table
  -h, --help            show this help

Exit codes: 0 done, 1 the service refused or failed, 2 bad arguments.
`;
