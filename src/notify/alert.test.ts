import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertBody, type Alert } from './alert.ts';

const alert: Alert = { kind: 'mismatch-rate', task: 'users', title: 'sluice verify users: 5 of 100 rows do not match', text: '5.0% differ', details: { checked: 100 } };

test('alert bodies in the formats DingTalk, WeCom and Slack webhooks accept, and a generic JSON one', () => {
  assert.deepEqual(alertBody('dingtalk', alert), { msgtype: 'text', text: { content: `${alert.title}\n${alert.text}` } });
  assert.deepEqual(alertBody('wecom', alert), { msgtype: 'text', text: { content: `${alert.title}\n${alert.text}` } });
  assert.deepEqual(alertBody('slack', alert), { text: `${alert.title}\n${alert.text}` });
  const generic = alertBody('generic', alert) as Record<string, unknown>;
  assert.equal(generic.source, 'sluice');
  assert.equal(generic.kind, 'mismatch-rate');
  assert.deepEqual(generic.details, { checked: 100 });
});
