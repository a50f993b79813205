/**
 * The demo plant's structure: a hydraulics plant with a machining and an assembly area.
 * Users (with hashed secrets) are added by make-demo-plant.ts.
 */
import type { PlantInput } from '../src/core/index.ts';

export const demoCalendar: PlantInput['calendar'] = {
  timezone: 'Europe/Berlin',
  shifts: [
    {
      id: 'early', name: 'Frühschicht', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '06:00', end: '14:00',
      breaks: [{ name: 'Frühstückspause', start: '09:00', end: '09:15' }, { name: 'Mittagspause', start: '11:30', end: '12:00' }],
    },
    {
      id: 'late', name: 'Spätschicht', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '14:00', end: '22:00',
      breaks: [{ name: 'Pause', start: '17:00', end: '17:15' }, { name: 'Abendpause', start: '19:30', end: '20:00' }],
    },
    // Starts Sunday to Thursday evening and runs past midnight, so Friday night and Saturday are off.
    {
      id: 'night', name: 'Nachtschicht', days: ['sun', 'mon', 'tue', 'wed', 'thu'], start: '22:00', end: '06:00',
      breaks: [{ name: 'Nachtpause', start: '01:00', end: '01:30' }, { name: 'Pause', start: '03:30', end: '03:45' }],
    },
    // Saturday is partial: one short morning shift.
    {
      id: 'saturday', name: 'Samstagsschicht', days: ['sat'], start: '06:00', end: '12:00',
      breaks: [{ name: 'Pause', start: '09:00', end: '09:20' }],
    },
  ],
  exceptions: [
    { kind: 'holiday', date: '2026-12-24', name: 'Heiligabend (ab Mittag frei)', shiftIds: ['late', 'night'] },
    { kind: 'holiday', date: '2026-12-25', name: '1. Weihnachtstag' },
    { kind: 'holiday', date: '2026-12-26', name: '2. Weihnachtstag' },
    { kind: 'holiday', date: '2026-12-31', name: 'Silvester', shiftIds: ['late', 'night'] },
    { kind: 'holiday', date: '2027-01-01', name: 'Neujahr' },
    {
      kind: 'extra', date: '2026-11-28', name: 'Sonderschicht Auftragsspitze',
      shift: { id: 'extra-sat', name: 'Sonderschicht Samstag', start: '12:00', end: '18:00', breaks: [{ name: 'Pause', start: '15:00', end: '15:20' }] },
    },
  ],
};

export const demoProducts: PlantInput['products'] = [
  { id: 'vb-100', name: 'Ventilkörper VB-100' },
  { id: 'vb-200', name: 'Ventilkörper VB-200' },
  { id: 'pc-40', name: 'Pumpendeckel PC-40' },
  { id: 'sh-12', name: 'Welle SH-12' },
  { id: 'sh-16', name: 'Welle SH-16' },
  { id: 'hv-100', name: 'Hydraulikventil HV-100 (montiert)' },
  { id: 'hv-200', name: 'Hydraulikventil HV-200 (montiert)' },
  { id: 'pu-40', name: 'Pumpeneinheit PU-40' },
  { id: 'kit-s', name: 'Servicekit S' },
];

/**
 * One line as a row: stations as `suffix: name` (ids become `<line>-<suffix>`; the first is the
 * machine station), products as `productId: ideal cycle time in s`.
 */
function line(
  id: string,
  name: string,
  stations: Record<string, string>,
  products: Record<string, number>,
  smallStopThresholdSec: number,
  targetOee: number,
) {
  const suffixes = Object.keys(stations);
  return {
    id,
    name,
    stations: Object.entries(stations).map(([suffix, stationName]) => ({ id: `${id}-${suffix}`, name: stationName })),
    // The machine whose gateway signals stand for the line: the first station (the lathe, the mill's
    // loader, the pre-assembly), named explicitly so nobody has to know the default.
    machineStationId: `${id}-${suffixes[0]}`,
    products: Object.entries(products).map(([productId, idealCycleTimeSec]) => ({ productId, idealCycleTimeSec })),
    smallStopThresholdSec,
    targetOee,
  };
}

export const demoAreas: PlantInput['areas'] = [
  {
    id: 'machining',
    name: 'Zerspanung',
    lines: [
      line('turn-1', 'Drehlinie 1', { lathe: 'Drehmaschine', wash: 'Waschanlage' }, { 'sh-12': 38, 'sh-16': 45 }, 120, 0.8),
      line('turn-2', 'Drehlinie 2', { lathe: 'Drehmaschine', wash: 'Waschanlage' }, { 'sh-12': 35, 'sh-16': 42, 'pc-40': 55 }, 120, 0.8),
      line('mill-1', 'Fräszentrum 1', { load: 'Beladung', mill: 'Bearbeitungszentrum', deburr: 'Entgraten' }, { 'vb-100': 95, 'vb-200': 120, 'pc-40': 70 }, 180, 0.75),
      line('grind-1', 'Schleiflinie 1', { grind: 'Rundschleifmaschine', measure: 'Messstation' }, { 'sh-12': 30, 'sh-16': 34 }, 120, 0.8),
    ],
  },
  {
    id: 'assembly',
    name: 'Montage',
    lines: [
      line('asm-1', 'Montagelinie 1', { pre: 'Vormontage', main: 'Endmontage', test: 'Dichtheitsprüfung' }, { 'hv-100': 60, 'hv-200': 75 }, 60, 0.85),
      line('asm-2', 'Montagelinie 2', { pre: 'Vormontage', main: 'Endmontage', test: 'Dichtheitsprüfung' }, { 'hv-100': 55, 'pu-40': 90 }, 60, 0.85),
      line('test-1', 'Prüfstand 1', { bench: 'Funktionsprüfstand', label: 'Kennzeichnung' }, { 'hv-100': 40, 'hv-200': 40, 'pu-40': 65 }, 120, 0.85),
      line('pack-1', 'Verpackungslinie 1', { pack: 'Verpackung', pallet: 'Palettierung' }, { 'hv-100': 12, 'hv-200': 12, 'pu-40': 20, 'kit-s': 8 }, 60, 0.9),
    ],
  },
];

type ReasonInput = PlantInput['reasons'][number];
type Loss = ReasonInput['loss'];
const reason = (id: string, label: string, de: string, loss: Loss) => ({ id, label, labels: { de }, loss });

/** Eight top-level categories, at most two levels: short enough that "Other" does not take over. */
export const demoReasons: PlantInput['reasons'] = [
  { ...reason('breakdown', 'Breakdown', 'Störung', 'breakdown'), children: [
    reason('mech-failure', 'Mechanical failure', 'Mechanischer Defekt', 'breakdown'),
    reason('elec-failure', 'Electrical failure', 'Elektrischer Defekt', 'breakdown'),
    reason('tool-break', 'Tool breakage', 'Werkzeugbruch', 'breakdown'),
    reason('hydraulic-leak', 'Hydraulic leak', 'Hydraulikleck', 'breakdown'),
    reason('controller-fault', 'Controller fault', 'Steuerungsfehler', 'breakdown'),
  ] },
  { ...reason('setup', 'Setup', 'Rüsten', 'setup'), children: [
    reason('changeover', 'Product changeover', 'Produktwechsel', 'setup'),
    reason('tool-change', 'Tool change', 'Werkzeugwechsel', 'setup'),
    reason('warm-up', 'Warm-up', 'Warmlauf', 'setup'),
    reason('first-article', 'First article inspection', 'Erstteilprüfung', 'setup'),
  ] },
  { ...reason('material', 'Material', 'Material', 'setup'), children: [
    reason('material-missing', 'Material missing', 'Material fehlt', 'setup'),
    reason('wrong-material', 'Wrong material', 'Falsches Material', 'setup'),
  ] },
  { ...reason('personnel', 'Personnel', 'Personal', 'breakdown'), children: [
    reason('no-operator', 'No operator', 'Kein Bediener', 'breakdown'),
    reason('waiting-qa', 'Waiting for quality release', 'Warten auf QS-Freigabe', 'breakdown'),
  ] },
  { ...reason('minor', 'Minor stop', 'Kurzstillstand', 'minor-stop'), children: [
    reason('jam', 'Part jam', 'Teilestau', 'minor-stop'),
    reason('sensor-trip', 'Sensor tripped', 'Sensor ausgelöst', 'minor-stop'),
    reason('chip-removal', 'Chip removal', 'Späne entfernen', 'minor-stop'),
    // Obstructed product flow is an idling and minor stop (six big losses), not setup: it was under Material.
    reason('blocked-downstream', 'Blocked downstream', 'Stau nachgelagert', 'minor-stop'),
  ] },
  { ...reason('speed', 'Reduced speed', 'Reduzierte Geschwindigkeit', 'reduced-speed'), children: [
    reason('run-in', 'Running in', 'Einfahren', 'reduced-speed'),
    reason('hard-material', 'Hard-to-machine batch', 'Schwer zerspanbare Charge', 'reduced-speed'),
  ] },
  { ...reason('quality', 'Quality', 'Qualität', 'process-defect'), children: [
    reason('dimension', 'Out of tolerance', 'Maßabweichung', 'process-defect'),
    reason('surface', 'Surface defect', 'Oberflächenfehler', 'process-defect'),
    reason('leak-test-fail', 'Leak test failed', 'Dichtheitsprüfung n.i.O.', 'process-defect'),
    reason('startup-scrap', 'Start-up scrap', 'Anlaufausschuss', 'reduced-yield'),
  ] },
  { ...reason('planned', 'Planned stop', 'Geplanter Stillstand', 'planned'), children: [
    reason('maintenance', 'Planned maintenance', 'Geplante Wartung', 'planned'),
    reason('shift-meeting', 'Shift meeting', 'Schichtbesprechung', 'planned'),
    reason('no-order', 'No order', 'Kein Auftrag', 'planned'),
    reason('trial', 'Trial run', 'Versuchslauf', 'planned'),
  ] },
];
