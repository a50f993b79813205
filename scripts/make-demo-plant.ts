/**
 * Writes the demo plant (plants/demo.plant.yaml) and its credentials sheet (docs/demo-credentials.md).
 * Run: node --import tsx scripts/make-demo-plant.ts
 *
 * The salts are derived from the user id so that re-running gives the same file (clean diffs).
 * That is only acceptable because every demo secret is public: never do this for real users.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { plantSchema, type PlantInput } from '../src/core/index.ts';
import { hashSecret } from '../src/server/auth/secrets.ts';
import { demoAreas, demoCalendar, demoProducts, demoReasons } from './demo-plant-data.ts';

type UserInput = NonNullable<PlantInput['users']>[number];
interface Credential {
  id: string;
  name: string;
  role: string;
  login: string;
  secret: string;
  scope: string;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const demoSalt = (userId: string) => createHash('sha256').update(`floorboard-demo-salt:${userId}`).digest().subarray(0, 16);
const hash = (userId: string, secret: string) => hashSecret(secret, { salt: demoSalt(userId) });

const operatorNames = [
  'Anna Becker', 'Jonas Wagner', 'Leyla Yilmaz', 'Marek Nowak', 'Sofia Romano', 'Lukas Schulz',
  'Elena Popescu', 'Tim Hoffmann', 'Fatma Demir', 'Paul Richter', 'Nina Koch', 'Ahmet Kaya',
  'Julia Braun', 'Dominik Wolf', 'Ivana Horvat', 'Felix Neumann',
];

async function makeUsers(): Promise<{ users: UserInput[]; credentials: Credential[] }> {
  const users: UserInput[] = [];
  const credentials: Credential[] = [];
  const lines = demoAreas.flatMap((a) => a.lines.map((l) => ({ area: a, line: l })));
  // Two operators per line (early and late crew), each allowed on every station of that line.
  let n = 0;
  for (const { line } of lines) {
    for (let crew = 0; crew < 2; crew++) {
      const name = operatorNames[n] ?? `Operator ${n + 1}`;
      const badge = String(1001 + n);
      const pin = String(((n * 7919 + 4711) % 9000) + 1000); // four digits, not guessable from the badge
      const id = `op-${badge}`;
      const stations = line.stations.map((s) => s.id);
      users.push({ id, name, role: 'operator', badge, pinHash: await hash(id, pin), stations });
      credentials.push({ id, name, role: 'operator', login: `badge ${badge}`, secret: `PIN ${pin}`, scope: `stations of ${line.id}` });
      n++;
    }
  }
  // One floater who covers both turning lines.
  const floaterStations = lines.filter((l) => l.line.id.startsWith('turn-')).flatMap((l) => l.line.stations.map((s) => s.id));
  users.push({ id: 'op-2001', name: 'Karl Meier (Springer)', role: 'operator', badge: '2001', pinHash: await hash('op-2001', '2001'), stations: floaterStations });
  credentials.push({ id: 'op-2001', name: 'Karl Meier (Springer)', role: 'operator', login: 'badge 2001', secret: 'PIN 2001', scope: 'all stations of turn-1 and turn-2' });
  // A shift lead per pair of lines.
  for (let i = 0; i < lines.length; i += 2) {
    const pair = lines.slice(i, i + 2).map((l) => l.line.id);
    const id = `lead-${pair.join('-')}`;
    const password = `demo-lead-${i / 2 + 1}`;
    const name = `Schichtleitung ${pair.join(' + ')}`;
    users.push({ id, name, role: 'lead', passwordHash: await hash(id, password), lines: pair });
    credentials.push({ id, name, role: 'lead', login: id, secret: password, scope: `lines ${pair.join(', ')}` });
  }
  const staff: { user: Omit<UserInput, 'passwordHash'> & { role: 'manager' | 'admin' }; password: string; scope: string }[] = [
    { user: { id: 'plant-manager', name: 'Dr. Petra Lang', role: 'manager' }, password: 'demo-manager', scope: 'whole site' },
    { user: { id: 'assembly-manager', name: 'Stefan Krüger', role: 'manager', areas: ['assembly'] }, password: 'demo-assembly', scope: 'area assembly' },
    { user: { id: 'admin', name: 'IT Administration', role: 'admin' }, password: 'demo-admin', scope: 'everything' },
  ];
  for (const { user, password, scope } of staff) {
    users.push({ ...user, passwordHash: await hash(user.id, password) } as UserInput);
    credentials.push({ id: user.id, name: user.name, role: user.role, login: user.id, secret: password, scope });
  }
  // The import device of `floorboard import --publish`: an importer writes entries for its lines'
  // stations and reads nothing (least privilege); every imported event is authored by it.
  const importLines = lines.map((l) => l.line.id);
  users.push({ id: 'import', name: 'Import (Papier und Tabellen)', role: 'importer', passwordHash: await hash('import', 'demo-import'), lines: importLines });
  credentials.push({ id: 'import', name: 'Import (Papier und Tabellen)', role: 'importer', login: 'import', secret: 'demo-import', scope: `lines ${importLines.join(', ')} (floorboard import)` });
  // One machine gateway per line, for all of the line's stations.
  for (const { line } of lines) {
    const id = `gw-${line.id}`;
    const password = `demo-gateway-${line.id}`;
    users.push({ id, name: `Gateway ${line.name}`, role: 'gateway', passwordHash: await hash(id, password), stations: line.stations.map((s) => s.id) });
    credentials.push({ id, name: `Gateway ${line.name}`, role: 'gateway', login: id, secret: password, scope: `stations of ${line.id}` });
  }
  return { users, credentials };
}

function credentialsDoc(credentials: Credential[]): string {
  const rows = credentials.map((c) => `| ${c.role} | \`${c.id}\` | ${c.name} | ${c.login} | \`${c.secret}\` | ${c.scope} |`);
  return [
    '# Demo credentials (DEMO ONLY)',
    '',
    'These users exist only in `plants/demo.plant.yaml`. Their PINs and passwords are public, and their',
    'salts are derived from the user id so the file is reproducible. **Never use them, or that file, in',
    'production**: write your own plant file and hash real secrets with `hashSecret` (random salt).',
    '',
    'Regenerate both files with `node --import tsx scripts/make-demo-plant.ts`.',
    '',
    'Operators sign in with badge + PIN; everybody else with user id + password.',
    '',
    '| role | user id | name | sign-in | PIN / password | scope |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const { users, credentials } = await makeUsers();
  const plant: PlantInput = {
    schemaVersion: 1,
    site: { id: 'werk-nord', name: 'Werk Nord (Hydraulik)' },
    calendar: demoCalendar,
    products: demoProducts,
    areas: demoAreas,
    reasons: demoReasons,
    users,
  };
  // Refuse to write a demo plant the service itself would refuse.
  plantSchema.parse(plant);
  const header = [
    '# Floorboard demo plant. DEMO ONLY: the secrets below are public (docs/demo-credentials.md).',
    '# Generated by scripts/make-demo-plant.ts; edit that script, not this file.',
    '',
  ].join('\n');
  await writeFile(`${root}plants/demo.plant.yaml`, header + stringify(plant, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' }));
  await writeFile(`${root}docs/demo-credentials.md`, credentialsDoc(credentials));
  console.log(`wrote plants/demo.plant.yaml (${users.length} users) and docs/demo-credentials.md`);
}

await main();
