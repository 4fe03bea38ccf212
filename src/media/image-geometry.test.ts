import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { parseTransformQuery, parseTrim, parseTrimPath, planSize, resolveTrim } from './image-geometry.js';

describe('planSize', () => {
  it('keeps 0x0 and never enlarges', () => {
    expect(planSize(0, 0, 400, 300)).toEqual({ width: 400, height: 300 });
    expect(planSize(800, 0, 400, 300)).toEqual({ width: 400, height: 300 });
    expect(planSize(0, 900, 400, 300)).toEqual({ width: 400, height: 300 });
  });

  it('scales proportionally when one side is 0', () => {
    expect(planSize(200, 0, 400, 300)).toEqual({ width: 200, height: 150 });
    expect(planSize(0, 100, 400, 300)).toEqual({ width: 133, height: 100 });
    expect(planSize(1, 0, 4000, 10)).toEqual({ width: 1, height: 1 });
  });

  it('fills WxH exactly when the source is large enough, else the largest box of that aspect inside the source', () => {
    expect(planSize(100, 100, 400, 300)).toEqual({ width: 100, height: 100 });
    expect(planSize(800, 200, 400, 300)).toEqual({ width: 400, height: 100 });
    expect(planSize(1000, 1000, 400, 300)).toEqual({ width: 300, height: 300 });
  });
});

describe('trim', () => {
  it('top,right,bottom,left cut that much off each side', () => {
    expect(resolveTrim({ top: 10, right: 10, bottom: 10, left: 10 }, 400, 400)).toEqual({
      left: 10,
      top: 10,
      width: 380,
      height: 380,
    });
  });

  it('top,left,width,height is a window from the top-left point', () => {
    expect(resolveTrim({ top: 10, left: 10, width: 50, height: 50 }, 400, 400)).toEqual({
      left: 10,
      top: 10,
      width: 50,
      height: 50,
    });
  });

  it('top,right,width,height (the path form) is a window ending `right` pixels before the right edge', () => {
    expect(resolveTrim(parseTrimPath('50,50,200,200'), 400, 300)).toEqual({ left: 150, top: 50, width: 200, height: 200 });
  });

  it('clips to the image and refuses an empty result', () => {
    expect(resolveTrim({ top: 0, left: 350, width: 100, height: 10 }, 400, 300)).toEqual({
      left: 350,
      top: 0,
      width: 50,
      height: 10,
    });
    expect(() => resolveTrim({ top: 0, left: 400 }, 400, 300)).toThrow(AppError);
  });

  it('validates the numbers and the transformation names', () => {
    expect(() => parseTrim({ top: -1 })).toThrow(AppError);
    expect(() => parseTrim({ width: 0 })).toThrow(AppError);
    expect(() => parseTrim({ depth: 1 })).toThrow(AppError);
    expect(() => parseTrimPath('1,2,3')).toThrow(AppError);
    expect(() => parseTransformQuery('{"rotate":90}')).toThrow(AppError);
    expect(() => parseTransformQuery('not json')).toThrow(AppError);
    expect(parseTransformQuery('{"trim":{"top":1,"left":2}}')).toEqual({ top: 1, left: 2 });
  });
});
