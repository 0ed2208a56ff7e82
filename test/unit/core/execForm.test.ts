/**
 * execForm and containerCommand read CMD, ENTRYPOINT and SHELL as Docker does. The expected
 * values were checked on 2026-12-04 by building `FROM scratch` Dockerfiles with dockerd 20.10.24
 * (test/support/engine) and reading `docker image inspect` (Config.Entrypoint, Config.Cmd).
 * Before, three readers parsed the arguments each with JSON.parse: an array with a number was
 * exec form with the number dropped for one, shell form for another; text after the array made
 * them all read shell form.
 */
import * as assert from 'node:assert/strict';
import { buildModel } from '../../../server/src/core/model';
import { containerCommand, execForm } from '../../../server/src/core/execForm';

function lastInstr(text: string) {
  const model = buildModel(`FROM scratch\n${text}\n`);
  return model.instructions[model.instructions.length - 1];
}

function started(text: string): string[] | undefined {
  const model = buildModel(text);
  return containerCommand(model.stages[model.stages.length - 1]);
}

describe('execForm', () => {
  it('reads a JSON array of strings, escapes and spacing as JSON has them', () => {
    assert.deepEqual(execForm(lastInstr('CMD ["a" ,  "b"]')), ['a', 'b']);
    assert.deepEqual(execForm(lastInstr('CMD [ "a\\u0041", "b\\"c", "d]" ] ')), ['aA', 'b"c', 'd]']);
    assert.deepEqual(execForm(lastInstr('CMD ["a", \\\n  "b"]')), ['a', 'b']);
    assert.deepEqual(execForm(lastInstr('CMD []')), []);
  });

  it('drops the text after the array, as the builder decodes one JSON value', () => {
    assert.deepEqual(execForm(lastInstr('CMD ["a", "b"] x')), ['a', 'b']);
    assert.deepEqual(execForm(lastInstr('ENTRYPOINT ["sh"]["c"]')), ['sh']);
  });

  it('gives no words for an array with anything but strings (the build fails)', () => {
    for (const args of ['[1, 2]', '["a", 1]', '["a", null]', '["a", true]', '["a", ["b"]]', '["a", {"b": "]"}]']) {
      assert.deepEqual(execForm(lastInstr(`CMD ${args}`)), [], args);
    }
  });

  it('is undefined for shell form', () => {
    for (const args of ["['a', 'b']", 'node server.js', '[ -f x ] && rm x', '["a", "b"', '["a" "b"]', '']) {
      assert.equal(execForm(lastInstr(`CMD ${args}`)), undefined, args);
    }
  });
});

describe('containerCommand', () => {
  it('joins ENTRYPOINT and CMD in either order within a stage', () => {
    assert.deepEqual(started('FROM scratch\nENTRYPOINT ["sh", "-c"]\nCMD ["./gradlew bootRun"]\n'), ['sh', '-c', './gradlew bootRun']);
    assert.deepEqual(started('FROM scratch\nCMD ["a"]\nENTRYPOINT ["sh", "-c"]\n'), ['sh', '-c', 'a']);
    assert.deepEqual(started('FROM scratch\nCMD ["a"]\nCMD ["b"]\n'), ['b']);
  });

  it('gives a shell-form one to /bin/sh -c, or to the SHELL in effect', () => {
    assert.deepEqual(started('FROM scratch\nENTRYPOINT ["sh", "-c"]\nCMD ./gradlew bootRun\n'), ['sh', '-c', '/bin/sh', '-c', './gradlew bootRun']);
    assert.deepEqual(started('FROM scratch\nSHELL ["/bin/bash", "-c"]\nENTRYPOINT ["env"]\nCMD echo hi\n'), ['env', '/bin/bash', '-c', 'echo hi']);
    assert.deepEqual(started('FROM scratch\nENTRYPOINT sh -c\nCMD ["x"]\n'), ['/bin/sh', '-c', 'sh -c', 'x']);
  });

  it('follows the FROM chain; an ENTRYPOINT drops the CMD its stage inherits', () => {
    const base = 'FROM scratch AS base\nENTRYPOINT ["java"]\nCMD ["-version"]\n';
    assert.deepEqual(started(`${base}FROM base\nCMD ["-jar", "app.jar"]\n`), ['java', '-jar', 'app.jar']);
    assert.deepEqual(started(`${base}FROM base\nENTRYPOINT ["node"]\n`), ['node']);
    assert.deepEqual(started(`${base}FROM base\nRUN true\n`), ['java', '-version']);
    assert.equal(started('FROM node:22\nRUN true\n'), undefined);
  });
});
