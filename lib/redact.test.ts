import { describe, expect, it } from 'vitest';
import { queryCredentials, redactText, redactUrl, urlPassword } from './redact.js';

describe('redactUrl', () => {
  it('replaces the password and keeps the user, host, port and path', () => {
    expect(redactUrl('rtsp://admin:hunter2@10.0.0.5:554/stream1')).toBe('rtsp://admin:***@10.0.0.5:554/stream1');
    expect(redactUrl('rtsps://admin:hunter2@cam.example.com/live?channel=1')).toBe('rtsps://admin:***@cam.example.com/live?channel=1');
  });

  it('covers passwords holding @ or : and percent escapes', () => {
    expect(redactUrl('rtsp://admin:p@ss@10.0.0.5/a')).toBe('rtsp://admin:***@10.0.0.5/a');
    expect(redactUrl('rtsp://admin:a:b:c@10.0.0.5/a')).toBe('rtsp://admin:***@10.0.0.5/a');
    expect(redactUrl('rtsp://admin:p%40ss%2Fw@10.0.0.5/a')).toBe('rtsp://admin:***@10.0.0.5/a');
  });

  it('covers an empty user, an empty password and a URL without a path', () => {
    expect(redactUrl('rtsp://:secret@10.0.0.5/a')).toBe('rtsp://:***@10.0.0.5/a');
    expect(redactUrl('rtsp://admin:@10.0.0.5/a')).toBe('rtsp://admin:***@10.0.0.5/a');
    expect(redactUrl('rtsp://admin:secret@10.0.0.5')).toBe('rtsp://admin:***@10.0.0.5');
    expect(redactUrl('rtsp://admin:secret@[fe80::1]:554/a')).toBe('rtsp://admin:***@[fe80::1]:554/a');
  });

  it('keeps a ${VAR} reference out of sight too', () => {
    expect(redactUrl('rtsp://admin:${DOOR_PASSWORD}@10.0.0.5/a')).toBe('rtsp://admin:***@10.0.0.5/a');
  });

  it('works whatever the case of the scheme, and for any scheme', () => {
    expect(redactUrl('RTSP://admin:secret@10.0.0.5/a')).toBe('RTSP://admin:***@10.0.0.5/a');
    expect(redactUrl('tcp://admin:secret@10.0.0.5:554?timeout=0')).toBe('tcp://admin:***@10.0.0.5:554?timeout=0');
    expect(redactUrl('http://root:secret@10.0.0.2/cgi-bin')).toBe('http://root:***@10.0.0.2/cgi-bin');
  });

  it('leaves URLs without a password as they are', () => {
    for (const url of [
      'rtsp://10.0.0.5:554/stream1',
      'rtsp://admin@10.0.0.5/a',
      'rtsp://[fe80::1]:554/a',
      'rtsp://10.0.0.5:554/path@with-at',
      'rtsp://10.0.0.5:554/a?user=x:y@z',
      'not a url: x:y@z',
    ]) {
      expect(redactUrl(url)).toBe(url);
    }
  });

  it('redacts every URL in a line of text, and nothing else', () => {
    const line = 'main rtsp://a:one@h1/s failed, sub rtsps://b:two@h2:322/s ok; mail me at ops@example.com';
    expect(redactUrl(line)).toBe('main rtsp://a:***@h1/s failed, sub rtsps://b:***@h2:322/s ok; mail me at ops@example.com');
    expect(redactUrl('[rtsp @ 0x55d] rtsp://a:one@h1:554/s: Connection refused\nrtsp://b:two@h2 timed out')).toBe(
      '[rtsp @ 0x55d] rtsp://a:***@h1:554/s: Connection refused\nrtsp://b:***@h2 timed out',
    );
  });

  it('redacts credentials passed in the query, whatever their case, and keeps other parameters', () => {
    expect(redactUrl('rtsp://10.0.0.5:88/videoMain?usr=admin&pwd=hunter2')).toBe('rtsp://10.0.0.5:88/videoMain?usr=admin&pwd=***');
    expect(redactUrl('rtsp://h/live?Password=s3cret&channel=1')).toBe('rtsp://h/live?Password=***&channel=1');
    expect(redactUrl('rtsps://relay/cam?token=abc.def#x')).toBe('rtsps://relay/cam?token=***#x');
    expect(redactUrl('rtsp://h/live?channel=1&subtype=0')).toBe('rtsp://h/live?channel=1&subtype=0');
    expect(redactUrl('rtsp://h/live?keyframes=1&passive=1')).toBe('rtsp://h/live?keyframes=1&passive=1');
    // Settings that merely look like credentials stay: their values would blot out unrelated text.
    expect(redactUrl('rtsp://h/live?key=1&auth=basic')).toBe('rtsp://h/live?key=1&auth=basic');
  });

  it('can be applied twice without change', () => {
    const once = redactUrl('rtsp://admin:hunter2@10.0.0.5/a');
    expect(redactUrl(once)).toBe(once);
  });
});

describe('redactText', () => {
  it('redacts URL passwords without being given any secret', () => {
    expect(redactText('opening rtsp://admin:hunter2@10.0.0.5/a')).toBe('opening rtsp://admin:***@10.0.0.5/a');
  });

  it('redacts every occurrence of every secret, plain and percent-encoded', () => {
    const text = 'password p@ss/w0rd rejected; url had p%40ss%2Fw0rd; again p@ss/w0rd; token abc123';
    expect(redactText(text, ['p@ss/w0rd', 'abc123'])).toBe('password *** rejected; url had ***; again ***; token ***');
  });

  it('redacts secrets that appear outside any URL, such as a resolved host', () => {
    expect(redactText('cannot reach cam.internal.example:554', ['cam.internal.example'])).toBe('cannot reach ***:554');
  });

  it('ignores an empty secret instead of filling the text with stars', () => {
    expect(redactText('nothing secret here', [''])).toBe('nothing secret here');
  });

  it('treats secrets as plain text, not patterns', () => {
    expect(redactText('a.b and axb', ['a.b'])).toBe('*** and axb');
    expect(redactText('cost $& more', ['$&'])).toBe('cost *** more');
  });

  it('leaves text without URLs or secrets as it is', () => {
    expect(redactText('main 15.0 fps', ['hunter2'])).toBe('main 15.0 fps');
  });
});

describe('queryCredentials', () => {
  it('lists the values of credential parameters, and nothing for a URL without', () => {
    expect(queryCredentials('rtsp://10.0.0.5:88/videoMain?usr=admin&pwd=hunter2&token=t0k')).toEqual(['hunter2', 't0k']);
    expect(queryCredentials('rtsp://h/live?channel=1&pwd=')).toEqual([]);
    expect(queryCredentials('rtsp://admin:x@h/live')).toEqual([]);
  });
});

describe('urlPassword', () => {
  it('finds the password of a URL', () => {
    expect(urlPassword('rtsp://admin:hunter2@10.0.0.5:554/stream1')).toBe('hunter2');
    expect(urlPassword('rtsps://admin:p@ss:w@rd@10.0.0.5/a')).toBe('p@ss:w@rd');
    expect(urlPassword('rtsp://:only@10.0.0.5')).toBe('only');
    expect(urlPassword('RTSP://admin:pw@host/a')).toBe('pw');
  });

  it('finds none where there is none', () => {
    expect(urlPassword('rtsp://10.0.0.5:554/stream1')).toBeUndefined();
    expect(urlPassword('rtsp://admin@10.0.0.5/a')).toBeUndefined();
    expect(urlPassword('rtsp://admin:@10.0.0.5/a')).toBeUndefined();
    expect(urlPassword('rtsp://10.0.0.5:554/a@b')).toBeUndefined();
    expect(urlPassword('see rtsp://admin:pw@host/a')).toBeUndefined(); // a URL, not text holding one
  });
});
