import { GUARDS_METADATA, HTTP_CODE_METADATA, INTERCEPTORS_METADATA, EXCEPTION_FILTERS_METADATA, ROUTE_ARGS_METADATA, PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ScanBodyPipe } from './scan-body.pipe';
import { SCAN_ROUTE } from './scan-route';
import { ScansController } from './scans.controller';

// serveScansDirectly runs exactly this pipeline by hand: a change here must be made there too (see scan-route.ts).
describe('ScansController, as serveScansDirectly runs it', () => {
  const handler = ScansController.prototype.scan;

  it('is the only handler of the controller: POST /v1/scans, answering 200', () => {
    expect(Object.getOwnPropertyNames(ScansController.prototype).filter((n) => n !== 'constructor')).toEqual(['scan']);
    expect(`/${Reflect.getMetadata(PATH_METADATA, ScansController)}`).toBe(SCAN_ROUTE.url);
    expect(Reflect.getMetadata(PATH_METADATA, handler)).toBe('/');
    expect(Reflect.getMetadata(METHOD_METADATA, handler)).toBe(RequestMethod.POST);
    expect(Reflect.getMetadata(HTTP_CODE_METADATA, handler)).toBe(200);
  });

  it('has JwtAuthGuard as its only guard, and no interceptors or filters of its own', () => {
    expect(Reflect.getMetadata(GUARDS_METADATA, ScansController)).toEqual([JwtAuthGuard]);
    expect(Reflect.getMetadata(GUARDS_METADATA, handler)).toBeUndefined();
    for (const key of [INTERCEPTORS_METADATA, EXCEPTION_FILTERS_METADATA]) {
      expect(Reflect.getMetadata(key, ScansController)).toBeUndefined();
      expect(Reflect.getMetadata(key, handler)).toBeUndefined();
    }
  });

  it('takes one argument, the body, through ScanBodyPipe', () => {
    const args = Object.values(Reflect.getMetadata(ROUTE_ARGS_METADATA, ScansController, 'scan') ?? {}) as Array<{ index: number; data: unknown; pipes: unknown[] }>;
    expect(args).toEqual([{ index: 0, data: undefined, pipes: [ScanBodyPipe] }]);
    expect(Object.keys(Reflect.getMetadata(ROUTE_ARGS_METADATA, ScansController, 'scan'))).toEqual([expect.stringMatching(/^3:/)]); // RouteParamtypes.BODY
  });
});
