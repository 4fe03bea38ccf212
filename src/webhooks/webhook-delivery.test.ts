import { describe, expect, it } from 'vitest';
import { deliveryId, wholeEvents } from './webhook-delivery.js';

describe('a delivery round', () => {
  const queue = (...seqs: number[]) => seqs.map((eventSeq) => ({ eventSeq }));

  it("takes handed-over attempts up to its size without splitting an event's, and all of an event larger than a round", () => {
    expect(wholeEvents(queue(1, 2, 3), 4)).toBe(3);
    expect(wholeEvents(queue(1, 2, 3, 4), 4)).toBe(4);
    // the fourth and fifth are one event's: the round stops before it
    expect(wholeEvents(queue(1, 2, 3, 4, 4, 5), 4)).toBe(3);
    expect(wholeEvents(queue(1, 1, 1, 1, 1, 2), 4)).toBe(5);
    expect(wholeEvents(queue(1, 1, 1, 1, 1), 4)).toBe(5);
    expect(wholeEvents(queue(), 4)).toBe(0);
  });

  it('names a delivery by its event and webhook (or its run), whether or not its row exists yet', () => {
    const handed = deliveryId({ id: null, webhookId: 'hook 1', eventSeq: 42 });
    // the same delivery claimed later from its row, as its second attempt
    expect(deliveryId({ id: 9, webhookId: 'hook 1', eventSeq: 42 })).toBe(handed);
    const others = [
      deliveryId({ id: null, webhookId: 'hook 2', eventSeq: 42 }),
      deliveryId({ id: null, webhookId: 'hook 1', eventSeq: 43 }),
      deliveryId({ id: 42, webhookId: 'hook 1', eventSeq: null }),
    ];
    expect(new Set([handed, ...others]).size).toBe(4);
    // a header value: visible ASCII only
    for (const d of [handed, ...others, deliveryId({ id: 1, webhookId: 'ä\r\nx', eventSeq: null })])
      expect(d).toMatch(/^[\x21-\x7e]+$/);
  });
});
