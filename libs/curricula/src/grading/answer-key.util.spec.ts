import { join } from 'node:path';
import { loadCurricula } from '../loader/load-curricula.util';
import type { AssessmentItem } from '../models/curriculum.model';
import { answerKeyOf, describeAnswerKey } from './answer-key.util';

jest.mock('@lib/core', () => jest.requireActual('../__fixtures__/lib-core-stub'));

const [mod] = loadCurricula(join(__dirname, '..', '__fixtures__', 'valid')).modules;
const item = (id: string): AssessmentItem => mod.assessment.items.find((i) => i.id === id)!;

describe('answer keys for item analysis', () => {
  it('turns equal answers into equal keys, whatever order they were given in', () => {
    expect(answerKeyOf(item('q1'), 'c')).toBe('c');
    expect(answerKeyOf(item('q2'), ['d', 'a'])).toBe(answerKeyOf(item('q2'), ['a', 'd']));
    expect(answerKeyOf(item('q3'), true)).toBe('true');
    expect(answerKeyOf(item('q4'), ['s2', 's1', 's3', 's4'])).toBe('s2>s1>s3>s4');
    expect(answerKeyOf(item('q5'), { m2: 'm1', m1: 'm2' })).toBe('m1=m2;m2=m1');
    expect(answerKeyOf(item('q6'), ['c2', 'c2'])).toBe('c2>c2');
    expect(answerKeyOf(item('q1'), undefined)).toBeNull();
  });

  it('puts a key back into words with the misconception it signals', () => {
    expect(describeAnswerKey(item('q1'), 'c', 'en').misconception).toBe(
      'All messages are equally dangerous.',
    );
    expect(describeAnswerKey(item('q2'), 'a,d', 'en').misconception).toBe(
      'Every polite stranger is a bad person.',
    );
    expect(describeAnswerKey(item('q3'), 'true', 'en')).toEqual({
      text: 'True',
      misconception: 'Anyone who knows things about you can be trusted.',
    });
    expect(describeAnswerKey(item('q3'), 'false', 'vi')).toEqual({
      text: 'Sai',
      misconception: null,
    });
    expect(describeAnswerKey(item('q4'), 's2>s1>s3>s4', 'en').text).toBe(
      'Take a screenshot → Stop, do not reply → Tell an adult → Block and report',
    );
    expect(describeAnswerKey(item('q5'), 'm1=m2', 'en').text).toBe(
      'You are scared and want to talk → Call 113',
    );
  });

  it('reads a story path by walking it: choice ids repeat from node to node', () => {
    const described = describeAnswerKey(item('q6'), 'c2>c2', 'en');
    expect(described.misconception).toBe('Anyone who knows my friends is safe.');
    expect(described.text.split(' → ')).toHaveLength(2);
    expect(describeAnswerKey(item('q6'), 'c9', 'en')).toEqual({ text: '', misconception: null });
  });
});
