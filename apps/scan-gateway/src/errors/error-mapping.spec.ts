import { BadRequestException, HttpException, NotFoundException, PayloadTooLargeException, ServiceUnavailableException } from '@nestjs/common';
import { ApiError } from './api-error';
import { mapError } from './error-mapping';

function fastifyError(code: string, statusCode: number): Error {
  return Object.assign(new Error(`fastify says ${code}`), { name: 'FastifyError', code, statusCode });
}

describe('mapError', () => {
  it.each([
    ['an ApiError', new ApiError(409, 'OUT_OF_STOCK', 'gone', [{ left: 0 }]), 409, 'OUT_OF_STOCK'],
    ['a validation ApiError', ApiError.validation([{ field: 'price', message: 'bad' }]), 400, 'VALIDATION_FAILED'],
    ['an unknown route', new NotFoundException('Cannot GET /nope'), 404, 'NOT_FOUND'],
    ['invalid JSON from Fastify', fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400), 400, 'INVALID_JSON'],
    ['an empty JSON body', fastifyError('FST_ERR_CTP_EMPTY_JSON_BODY', 400), 400, 'INVALID_JSON'],
    ['a body over the limit', fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413), 413, 'PAYLOAD_TOO_LARGE'],
    ['an unsupported content type', fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a Fastify error wrapped by Nest', new HttpException('x', 400, { cause: fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400) }), 400, 'INVALID_JSON'],
    ['a JSON SyntaxError with a 400 status', Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 }), 400, 'INVALID_JSON'],
    ['an unknown Fastify 4xx', fastifyError('FST_ERR_SOMETHING_NEW', 431), 431, 'HEADERS_TOO_LARGE'],
    ['an odd 4xx with no code', Object.assign(new Error('teapot'), { statusCode: 418 }), 418, 'BAD_REQUEST'],
    ['Nest PayloadTooLarge', new PayloadTooLargeException(), 413, 'PAYLOAD_TOO_LARGE'],
    ['Nest BadRequest', new BadRequestException('nope'), 400, 'BAD_REQUEST'],
    ['an unhealthy /health', new ServiceUnavailableException({ status: 'error', checks: { kafka: 'down' } }), 503, 'UNAVAILABLE'],
    ['a broker outage', ApiError.unavailable('broker down'), 503, 'UNAVAILABLE'],
    ['a bug', new TypeError('cannot read x of undefined'), 500, 'INTERNAL'],
    ['a thrown string', 'boom', 500, 'INTERNAL'],
    ['a Fastify 5xx (a server fault)', fastifyError('FST_ERR_HANDLER_TIMEOUT', 503), 500, 'INTERNAL'],
  ])('maps %s', (_, err, status, code) => {
    const sut = mapError(err);
    expect(sut.status).toBe(status);
    expect(sut.body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
    expect(Object.keys(sut.body.error).sort()).toEqual(['code', 'details', 'message']);
  });

  it('keeps the details of an ApiError', () => {
    expect(mapError(ApiError.validation([{ field: 'discount.percent', message: 'too big' }])).body.error.details).toEqual([
      { field: 'discount.percent', message: 'too big' },
    ]);
  });

  it('never leaks the text of an internal failure', () => {
    const sut = mapError(new Error('password=hunter2 at db.internal:5432'));
    expect(sut.internal).toBe(true);
    expect(JSON.stringify(sut.body)).not.toContain('hunter2');
  });

  it('does not count client mistakes and outages as internal failures', () => {
    expect(mapError(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413)).internal).toBe(false);
    expect(mapError(ApiError.unavailable('x')).internal).toBe(false);
  });
});
