// src/embedded/titles.ts is a copy of the catalogue's titles (the CLI bundle must not import lab/): held to it here.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { scenarioById } from '../../lab/catalogue.js';
import { EMBEDDED_SCENARIO_TITLES, EMBEDDED_SCENARIOS } from '../../src/embedded/index.js';

it('every embedded scenario is a catalogue id and carries its catalogue title', () => {
  assert.deepEqual(Object.keys(EMBEDDED_SCENARIO_TITLES).sort(), [...EMBEDDED_SCENARIOS].sort());
  for (const id of EMBEDDED_SCENARIOS) {
    const s = scenarioById(id);
    assert.ok(s, `${id} is not in lab/catalogue.ts`);
    assert.equal(EMBEDDED_SCENARIO_TITLES[id], s.title, id);
  }
});
