/**
 * A WORKDIR named by a variable the file sets (`ARG APP_HOME=/app` then `WORKDIR ${APP_HOME}`, as
 * cookiecutter-django's production Dockerfile has it; `ENV APP_HOME /app` then `WORKDIR $APP_HOME`)
 * left every later instruction of the stage unjudged: the wheels a builder stage made, copied in
 * and deleted one RUN later, stay in the COPY layer and were not reported.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const WHEELS = [
  'FROM python:3.12-slim AS build',
  'RUN pip wheel --no-cache-dir --wheel-dir /usr/src/app/wheels django',
  'FROM python:3.12-slim',
  '%WORKDIR%',
  'COPY --from=build /usr/src/app/wheels /wheels/',
  'RUN pip install --no-cache-dir --no-index --find-links=/wheels/ /wheels/* && rm -rf /wheels/',
  '',
].join('\n');

const rules = (workdir: string) => analyze(WHEELS.replace('%WORKDIR%', workdir), { context: {} }).findings.map((f) => f.ruleId);

describe('files-changed-in-later-layer under a WORKDIR named by a variable', () => {
  it('reports the copied wheels deleted a layer later, as under a WORKDIR written out', () => {
    assert.deepEqual(rules('WORKDIR /app'), ['files-changed-in-later-layer']);
    assert.deepEqual(rules('ARG APP_HOME=/app\nWORKDIR ${APP_HOME}'), ['files-changed-in-later-layer']);
    assert.deepEqual(rules('ENV APP_HOME /app\nWORKDIR $APP_HOME'), ['files-changed-in-later-layer']);
  });
});
