#!/usr/bin/env python3
"""Writes the recorded-style streams of corpus/streams/ (hand-made, one per
case; see README.md). The expected reports (*.report) are written by hand,
not by this script. Run from anywhere: python3 corpus/streams/gen.py"""
import json, os

HERE = os.path.dirname(os.path.abspath(__file__))

def j(o):
    return json.dumps(o, ensure_ascii=False, separators=(',', ':'))

def sse(events, nl='\n'):
    """events: list of (type or None, data str) or ('#', comment)."""
    out = []
    for t, d in events:
        if t == '#':
            out.append(':' + d + nl)
            continue
        if t:
            out.append('event: ' + t + nl)
        out.append('data: ' + d + nl + nl)
    return ''.join(out)

def write(name, text, raw=False):
    data = text if raw else text.encode('utf-8')
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(data)

# ---- OpenAI chat -----------------------------------------------------------
CID = 'chatcmpl-t1'
def oc(delta, finish=None, index=0, usage=False, **extra):
    o = {'id': CID, 'object': 'chat.completion.chunk', 'created': 1700000000,
         'model': 'gpt-test', 'choices': [{'index': index, 'delta': delta,
                                            'logprobs': None, 'finish_reason': finish}]}
    if usage is not False:
        o['usage'] = usage
    o.update(extra)
    return (None, j(o))

def ousage(p, c, cached=None, reasoning=None):
    u = {'prompt_tokens': p, 'completion_tokens': c, 'total_tokens': p + c}
    if cached is not None:
        u['prompt_tokens_details'] = {'cached_tokens': cached}
    if reasoning is not None:
        u['completion_tokens_details'] = {'reasoning_tokens': reasoning}
    return (None, j({'id': CID, 'object': 'chat.completion.chunk', 'created': 1700000000,
                     'model': 'gpt-test', 'choices': [], 'usage': u}))

DONE = (None, '[DONE]')

def texts(parts, index=0):
    return [oc({'content': p}, index=index) for p in parts]

# plain text, usage chunk, [DONE]
write('openai-text.sse', sse(
    [oc({'role': 'assistant', 'content': '', 'refusal': None})]
    + texts(['Hel', 'lo,', ' wor', 'ld! ', 'Ça va', ' ✓'])
    + [oc({}, 'stop'), ousage(12, 7, cached=4, reasoning=0), DONE]))

# JSON mode: leading newline, pretty-ish, string split mid-word
JSON_PARTS = ['\n', '{"', 'planets', '":[', '{"name":"', 'Mer', 'cury', '","moons":', '0',
              '},{"name":"Ven', 'us","moons":0', '}]', '}']
write('openai-json.sse', sse(
    [oc({'role': 'assistant', 'content': ''})] + texts(JSON_PARTS)
    + [oc({}, 'stop'), DONE]))

# two tool calls, arguments in fragments, finish tool_calls, usage
def tc(index, args=None, id=None, name=None):
    t = {'index': index}
    if id:
        t['id'] = id
        t['type'] = 'function'
    f = {}
    if name:
        f['name'] = name
    if args is not None:
        f['arguments'] = args
    t['function'] = f
    return oc({'tool_calls': [t]})

write('openai-tools.sse', sse(
    [oc({'role': 'assistant', 'content': None})]
    + [tc(0, '', 'call_a', 'get_weather'), tc(0, '{"ci'), tc(0, 'ty": "Par'), tc(0, 'is"}')]
    + [tc(1, '', 'call_b', 'get_time'), tc(1, '{"tz":'), tc(1, ' "CET", "h24"'), tc(1, ': true}')]
    + [oc({}, 'tool_calls'), ousage(40, 30), DONE]))

# a lost event: the middle arguments delta holds a raw 0xFF byte (not UTF-8),
# so the event is rejected; {"cmd":"ls"} + } must not pass as complete
write('openai-lost-event.sse', sse(
    [oc({'role': 'assistant', 'content': None}), tc(0, '', 'call_x', 'sh'), tc(0, '{"cmd":"ls"'),
     tc(0, ',"x":"@FF@"'), tc(0, '}'), oc({}, 'tool_calls'), DONE]).encode().replace(b'@FF@', b'\xff'),
    raw=True)

# n = 2, interleaved; choice 1 is JSON cut by length
write('openai-n2.sse', sse(
    [oc({'role': 'assistant', 'content': ''}, index=0), oc({'role': 'assistant', 'content': ''}, index=1),
     oc({'content': 'Ye'}, index=0), oc({'content': '{"a":[1,'}, index=1),
     oc({'content': 's.'}, index=0), oc({'content': '2'}, index=1),
     oc({}, 'stop', index=0), oc({}, 'length', index=1), ousage(5, 8), DONE]))

# refusal: finish stop with refusal text -> refusal
write('openai-refusal.sse', sse(
    [oc({'role': 'assistant', 'content': None, 'refusal': ''})]
    + [oc({'refusal': p}) for p in ["I'm sorry", ', I cannot', ' help with that.']]
    + [oc({}, 'stop'), DONE]))

# JSON cut by length (max_tokens)
write('openai-length.sse', sse(
    [oc({'role': 'assistant', 'content': ''})]
    + texts(['{"name":', '"Mercury",', '"moons":[', '{"n":"Mer'])
    + [oc({}, 'length'), ousage(10, 9), DONE]))

# in-band error mid-stream, then [DONE]
write('openai-error.sse', sse(
    [oc({'role': 'assistant', 'content': ''})] + texts(['The answer', ' is'])
    + [(None, j({'error': {'message': 'The server had an error while processing your request.',
                           'type': 'server_error', 'param': None, 'code': None}})), DONE]))

# keepalive comments, CRLF line ends
write('openai-keepalive-crlf.sse', sse(
    [('#', ' OPENROUTER PROCESSING')] * 3 + [oc({'role': 'assistant', 'content': ''})]
    + [('#', ' OPENROUTER PROCESSING')] + texts(['[1,', ' 2,', ' 3]'])
    + [oc({}, 'stop'), DONE], nl='\r\n'))

# CR-only line ends
write('openai-cr.sse', sse(
    [oc({'role': 'assistant', 'content': ''})] + texts(['{"ok":', 'true}'])
    + [oc({}, 'stop'), DONE], nl='\r'))

# UTF-8 BOM first
write('openai-bom.sse', '\ufeff' + sse(
    [oc({'role': 'assistant', 'content': ''})] + texts(['B', 'OM']) + [oc({}, 'stop'), DONE]))

# a surrogate pair split across two events' \u escapes (written by hand: json
# would merge them)
def raw_content(s):
    return (None, '{"id":"%s","object":"chat.completion.chunk","created":1700000000,'
                  '"model":"gpt-test","choices":[{"index":0,"delta":{"content":"%s"},'
                  '"logprobs":null,"finish_reason":null}]}' % (CID, s))
write('openai-surrogate.sse', sse(
    [oc({'role': 'assistant', 'content': ''}), raw_content('{\\"emoji\\":\\"smile '),
     raw_content('\\ud83d'), raw_content('\\ude00'), raw_content('!\\"}'),
     oc({}, 'stop'), DONE]))

# whitespace runaway in JSON mode: 320 spaces in 10 deltas, then more that is
# never decoded
write('openai-runaway.sse', sse(
    [oc({'role': 'assistant', 'content': ''})] + texts(['{"a":1'] + [' ' * 32] * 10 + [',"b":2}'])
    + [oc({}, 'stop'), DONE]))

# the input ends inside an event (no line end after the last data line)
cut = sse([oc({'role': 'assistant', 'content': ''})] + texts(['{"list":[', '"x",', '"y"']))
last = sse(texts([',"z"]}']))
write('openai-cut.sse', cut + last[:60])

# no finish reason, no [DONE]: the stream broke off between events
write('openai-noend.sse', sse([oc({'role': 'assistant', 'content': ''})] + texts(['Once upon', ' a time'])))

# old llama-server: the error as an `error:` field, then [DONE]
write('llama-error-field.sse', sse([oc({'role': 'assistant', 'content': ''})] + texts(['Partial']))
      + 'error: {"code":500,"message":"context shift is disabled","type":"server_error"}\n\n'
      + 'data: [DONE]\n\n')

# ---- OpenAI Responses --------------------------------------------------------
def rv(t, **kw):
    o = {'type': t}
    o.update(kw)
    return (t, j(o))

RESP = {'id': 'resp_1', 'object': 'response', 'status': 'in_progress', 'output': []}
def resp(**kw):
    r = dict(RESP)
    r.update(kw)
    return r

write('responses-text.sse', sse(
    [rv('response.created', response=resp()), rv('response.in_progress', response=resp()),
     rv('response.output_item.added', output_index=0,
        item={'id': 'msg_1', 'type': 'message', 'status': 'in_progress', 'role': 'assistant', 'content': []}),
     rv('response.content_part.added', item_id='msg_1', output_index=0, content_index=0,
        part={'type': 'output_text', 'text': ''})]
    + [rv('response.output_text.delta', item_id='msg_1', output_index=0, content_index=0, delta=d)
       for d in ['Po', 'ng', '.']]
    + [rv('response.output_text.done', item_id='msg_1', output_index=0, content_index=0, text='Pong.'),
       rv('response.completed', response=resp(status='completed', usage={
           'input_tokens': 9, 'input_tokens_details': {'cached_tokens': 0},
           'output_tokens': 3, 'output_tokens_details': {'reasoning_tokens': 0}, 'total_tokens': 12}))]))

write('responses-tools.sse', sse(
    [rv('response.created', response=resp()),
     rv('response.output_item.added', output_index=0,
        item={'id': 'fc_1', 'type': 'function_call', 'status': 'in_progress', 'arguments': '',
              'call_id': 'call_r1', 'name': 'lookup'})]
    + [rv('response.function_call_arguments.delta', item_id='fc_1', output_index=0, delta=d)
       for d in ['{"q"', ':"llm', ' json"', ',"n":3}']]
    + [rv('response.function_call_arguments.done', item_id='fc_1', output_index=0,
          arguments='{"q":"llm json","n":3}'),
       rv('response.output_item.done', output_index=0,
          item={'id': 'fc_1', 'type': 'function_call', 'status': 'completed',
                'arguments': '{"q":"llm json","n":3}', 'call_id': 'call_r1', 'name': 'lookup'}),
       rv('response.completed', response=resp(status='completed', usage={
           'input_tokens': 20, 'output_tokens': 11, 'total_tokens': 31}))]))

write('responses-incomplete.sse', sse(
    [rv('response.created', response=resp()),
     rv('response.output_item.added', output_index=0,
        item={'id': 'msg_2', 'type': 'message', 'status': 'in_progress', 'role': 'assistant', 'content': []})]
    + [rv('response.output_text.delta', item_id='msg_2', output_index=0, content_index=0, delta=d)
       for d in ['{"steps":[', '"one",', '"tw']]
    + [rv('response.incomplete', response=resp(status='incomplete',
          incomplete_details={'reason': 'max_output_tokens'},
          usage={'input_tokens': 7, 'output_tokens': 6, 'total_tokens': 13}))]))

write('responses-error.sse', sse(
    [rv('response.created', response=resp()),
     rv('error', error={'type': 'insufficient_quota', 'code': 'insufficient_quota',
                        'message': 'You exceeded your current quota.', 'param': None}),
     rv('response.failed', response=resp(status='failed', error={
         'code': 'insufficient_quota', 'message': 'You exceeded your current quota.'}))]))

# ---- Anthropic -----------------------------------------------------------------
def an(t, pad='', **kw):
    o = {'type': t}
    o.update(kw)
    s = j(o)
    return (t, s[:-1] + pad + '}' if pad else s)

MSG = {'id': 'msg_a1', 'type': 'message', 'role': 'assistant', 'model': 'claude-test', 'content': [],
       'stop_reason': None, 'stop_sequence': None,
       'usage': {'input_tokens': 25, 'cache_creation_input_tokens': 0, 'cache_read_input_tokens': 5,
                 'output_tokens': 1}}
PING = ('ping', '{"type": "ping"}')

write('anthropic-text.sse', sse(
    [an('message_start', '      ', message=MSG),
     an('content_block_start', '   ', index=0, content_block={'type': 'text', 'text': ''}), PING]
    + [an('content_block_delta', ' ' * (i + 1), index=0, delta={'type': 'text_delta', 'text': d})
       for i, d in enumerate(['Bonjour', ' le', ' monde.'])]
    + [an('content_block_stop', '  ', index=0),
       an('message_delta', '    ', delta={'stop_reason': 'end_turn', 'stop_sequence': None},
          usage={'output_tokens': 6}),
       an('message_stop', ' ')]))

write('anthropic-tools.sse', sse(
    [an('message_start', message=MSG),
     an('content_block_start', index=0, content_block={'type': 'text', 'text': ''}),
     an('content_block_delta', index=0, delta={'type': 'text_delta', 'text': 'Checking both.'}),
     an('content_block_stop', index=0),
     an('content_block_start', index=1, content_block={'type': 'tool_use', 'id': 'toolu_1', 'name': 'weather', 'input': {}}),
     an('content_block_delta', index=1, delta={'type': 'input_json_delta', 'partial_json': ''}),
     an('content_block_delta', index=1, delta={'type': 'input_json_delta', 'partial_json': '{"city": "Os'}),
     PING,
     an('content_block_delta', index=1, delta={'type': 'input_json_delta', 'partial_json': 'lo"}'}),
     an('content_block_stop', index=1),
     an('content_block_start', index=2, content_block={'type': 'tool_use', 'id': 'toolu_2', 'name': 'weather', 'input': {}}),
     an('content_block_delta', index=2, delta={'type': 'input_json_delta', 'partial_json': '{"city": "Rome", "days": 3}'}),
     an('content_block_stop', index=2),
     an('message_delta', delta={'stop_reason': 'tool_use', 'stop_sequence': None}, usage={'output_tokens': 60}),
     an('message_stop')]))

write('anthropic-max-tokens.sse', sse(
    [an('message_start', message=MSG),
     an('content_block_start', index=0, content_block={'type': 'tool_use', 'id': 'toolu_3', 'name': 'write_file', 'input': {}}),
     an('content_block_delta', index=0, delta={'type': 'input_json_delta', 'partial_json': '{"path": "notes.txt", '}),
     an('content_block_delta', index=0, delta={'type': 'input_json_delta', 'partial_json': '"lines": ["first", "sec'}),
     an('message_delta', delta={'stop_reason': 'max_tokens', 'stop_sequence': None}, usage={'output_tokens': 32}),
     an('message_stop')]))

write('anthropic-error.sse', sse(
    [an('message_start', message=MSG),
     an('content_block_start', index=0, content_block={'type': 'text', 'text': ''}),
     an('content_block_delta', index=0, delta={'type': 'text_delta', 'text': 'Let me think'}),
     an('error', error={'type': 'overloaded_error', 'message': 'Overloaded'})]))

write('anthropic-refusal.sse', sse(
    [an('message_start', message=MSG),
     an('message_delta', delta={'stop_reason': 'refusal', 'stop_sequence': None}, usage={'output_tokens': 0}),
     an('message_stop')]))

# ---- Gemini --------------------------------------------------------------------
def gm(parts=None, finish=None, usage=None, extra=None):
    cand = {}
    if parts is not None:
        cand['content'] = {'parts': parts, 'role': 'model'}
    if finish:
        cand['finishReason'] = finish
    cand['index'] = 0
    o = {'candidates': [cand]}
    if usage:
        o['usageMetadata'] = usage
    o['modelVersion'] = 'gemini-test'
    if extra:
        o.update(extra)
    # Google's own spacing: ": " after keys, none after commas
    return (None, json.dumps(o, ensure_ascii=False, separators=(',', ': ')))

GU = lambda p, c: {'promptTokenCount': p, 'candidatesTokenCount': c, 'totalTokenCount': p + c}

write('gemini-text.sse', sse(
    [gm([{'text': 'The capital'}], usage=GU(8, 2)),
     gm([{'text': ' of France'}], usage=GU(8, 4)),
     gm([{'text': ' is Paris.\n'}], 'STOP', usage=GU(8, 7))], nl='\r\n'))

write('gemini-json.sse', sse(
    [gm([{'text': '{\n  "cities": [\n    "Paris",\n'}], usage=GU(11, 10)),
     gm([{'text': '    "Lyon",\n    "Mar'}], 'MAX_TOKENS', usage=GU(11, 16))], nl='\r\n'))

write('gemini-function.sse', sse(
    [gm([{'functionCall': {'name': 'get_capital', 'args': {'country': 'France'}}},
         {'functionCall': {'name': 'get_capital', 'args': {'country': 'Peru', 'year': 2024}}}],
        'STOP', usage=GU(30, 12))], nl='\r\n'))

write('gemini-blocked.sse', (
    'data: ' + json.dumps({'promptFeedback': {'blockReason': 'SAFETY', 'safetyRatings': [
        {'category': 'HARM_CATEGORY_HATE_SPEECH', 'probability': 'HIGH'}]},
        'usageMetadata': {'promptTokenCount': 6, 'totalTokenCount': 6}}, separators=(',', ': '))
    + '\r\n\r\n'))

# ---- Ollama native (NDJSON) -----------------------------------------------------
def ol(content, done=False, **kw):
    o = {'model': 'llama-test', 'created_at': '2025-01-01T00:00:00Z',
         'message': {'role': 'assistant', 'content': content}, 'done': done}
    o.update(kw)
    return json.dumps(o, ensure_ascii=False, separators=(',', ':')) + '\n'

FIN = dict(total_duration=1000, load_duration=10, prompt_eval_count=14, prompt_eval_duration=5,
           eval_count=6, eval_duration=50)
write('ollama-chat.ndjson', ''.join(
    [ol(p) for p in ['Why', ' is', ' the sky', ' blue?']] + [ol('', True, done_reason='stop', **FIN)]))

def og(resp, done=False, **kw):
    o = {'model': 'llama-test', 'created_at': '2025-01-01T00:00:00Z', 'response': resp, 'done': done}
    o.update(kw)
    # Go escapes <, > and & in strings
    s = json.dumps(o, ensure_ascii=False, separators=(',', ':'))
    return s.replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026') + '\n'

write('ollama-generate-json.ndjson', ''.join(
    [og(p) for p in ['{"tag":', '"<b>"', ',"op":"a&b"', ',"more":[1,']]
    + [og('', True, done_reason='length', context=[1, 2, 3], **FIN)]))

write('ollama-tools.ndjson', ''.join([
    json.dumps({'model': 'llama-test', 'created_at': '2025-01-01T00:00:00Z',
                'message': {'role': 'assistant', 'content': '',
                            'tool_calls': [{'function': {'name': 'get_weather',
                                                         'arguments': {'city': 'Oslo', 'unit': 'C'}}}]},
                'done': False}, separators=(',', ':')) + '\n',
    ol('', True, done_reason='stop', **FIN)]))

write('ollama-error.ndjson', ''.join(
    [ol(p) for p in ['Half', ' an']] + ['{"error":"an error was encountered while running the model"}\n']))

# ---- more: every dialect's surrogates, n = 2, refusal, runaway in arguments ---
write('anthropic-runaway-tool.sse', sse(
    [an('message_start', message=MSG),
     an('content_block_start', index=0, content_block={'type': 'tool_use', 'id': 'toolu_9', 'name': 'fill', 'input': {}}),
     an('content_block_delta', index=0, delta={'type': 'input_json_delta', 'partial_json': '{"items": ['})]
    + [an('content_block_delta', index=0, delta={'type': 'input_json_delta', 'partial_json': '\n' * 50})
       for _ in range(6)]
    + [an('content_block_delta', index=0, delta={'type': 'input_json_delta', 'partial_json': '1]}'}),
       an('content_block_stop', index=0),
       an('message_delta', delta={'stop_reason': 'tool_use', 'stop_sequence': None}, usage={'output_tokens': 400}),
       an('message_stop')]))

def an_raw(index, text):
    return ('content_block_delta', '{"type":"content_block_delta","index":%d,"delta":{"type":"text_delta","text":"%s"}}' % (index, text))
write('anthropic-surrogate.sse', sse(
    [an('message_start', message=MSG),
     an('content_block_start', index=0, content_block={'type': 'text', 'text': ''}),
     an_raw(0, 'Music \\ud83c'), PING, an_raw(0, '\\udfb5 on'),
     an('content_block_stop', index=0),
     an('message_delta', delta={'stop_reason': 'end_turn', 'stop_sequence': None}, usage={'output_tokens': 5}),
     an('message_stop')]))

def gm_raw(text, finish=None, index=0):
    f = ', "finishReason": "%s"' % finish if finish else ''
    return (None, '{"candidates": [{"content": {"parts": [{"text": "%s"}],"role": "model"}%s,"index": %d}],'
                  '"modelVersion": "gemini-test"}' % (text, f, index))
write('gemini-n2-surrogate.sse', sse(
    [gm_raw('A \\ud83d', index=0), gm_raw('B', index=1), gm_raw('\\udc4d ok', 'STOP', index=0),
     gm_raw('\\ud83d\\udc4e', 'MAX_TOKENS', index=1)], nl='\r\n'))

write('responses-refusal.sse', sse(
    [rv('response.created', response=resp()),
     rv('response.output_item.added', output_index=0,
        item={'id': 'msg_3', 'type': 'message', 'status': 'in_progress', 'role': 'assistant', 'content': []})]
    + [rv('response.refusal.delta', item_id='msg_3', output_index=0, content_index=0, delta=d)
       for d in ['I cannot', ' do that.']]
    + [rv('response.completed', response=resp(status='completed', usage={
           'input_tokens': 4, 'output_tokens': 4, 'total_tokens': 8}))]))

def ol_raw(content, done=False):
    return '{"model":"llama-test","message":{"role":"assistant","content":"%s"},"done":%s}' % (
        content, 'true,"done_reason":"stop","prompt_eval_count":3,"eval_count":2' if done else 'false')
write('ollama-bom-crlf-surrogate.ndjson', '\ufeff' + '\r\n'.join(
    [ol_raw('Hi \\ud83d'), ol_raw('\\ude0a'), '', ol_raw('', True)]) + '\r\n')

# ---- verdicts: every way a provider reports an error (exit 6), refuses or
# filters (exit 9), the order in which they win, an empty answer (exit 5) ------

# DeepSeek: finish reason insufficient_system_resource, no in-band error
write('openai-finish-error.sse', sse(
    [oc({'role': 'assistant', 'content': ''})] + texts(['The first', ' step'])
    + [oc({'content': ''}, 'insufficient_system_resource',
          usage={'prompt_tokens': 9, 'completion_tokens': 3, 'total_tokens': 12}), DONE]))

# Azure OpenAI: prompt_filter_results first, content_filter_results on every
# choice, the output filtered
def az(delta, finish=None, cfr=None):
    return (None, j({'choices': [{'content_filter_results': cfr or {}, 'delta': delta,
                                  'finish_reason': finish, 'index': 0, 'logprobs': None}],
                     'created': 1700000000, 'id': CID, 'model': 'gpt-4o', 'object': 'chat.completion.chunk',
                     'system_fingerprint': 'fp_t'}))
SAFE = {'hate': {'filtered': False, 'severity': 'safe'}, 'self_harm': {'filtered': False, 'severity': 'safe'},
        'sexual': {'filtered': False, 'severity': 'safe'}, 'violence': {'filtered': False, 'severity': 'safe'}}
write('openai-content-filter.sse', sse(
    [(None, j({'choices': [], 'created': 0, 'id': '', 'model': '', 'object': '',
               'prompt_filter_results': [{'prompt_index': 0, 'content_filter_results': SAFE}]})),
     az({'content': '', 'role': 'assistant'}), az({'content': 'Here is how'}, cfr=SAFE),
     az({'content': ' to'}, cfr=SAFE), az({}, 'content_filter'), DONE]))

# JSON mode cut by the content filter: the text is truncated, the verdict refused
write('openai-json-filtered.sse', sse(
    [oc({'role': 'assistant', 'content': ''})] + texts(['{"story":', '"Once', ' upon'])
    + [oc({}, 'content_filter'), DONE]))

# a refusal, then an in-band error: the provider's error wins
write('openai-refusal-error.sse', sse(
    [oc({'role': 'assistant', 'content': None, 'refusal': ''}), oc({'refusal': "I can't"})]
    + [(None, j({'error': {'message': 'Internal error', 'type': 'server_error', 'param': None,
                           'code': None}})), DONE]))

# n = 2: choice 0 refuses, choice 1 runs away in whitespace: the refusal wins
write('openai-n2-refusal-runaway.sse', sse(
    [oc({'role': 'assistant', 'content': None, 'refusal': ''}, index=0),
     oc({'refusal': 'No.'}, index=0), oc({}, 'stop', index=0),
     oc({'role': 'assistant', 'content': '{"a":'}, index=1)]
    + [oc({'content': ' ' * 100}, index=1) for _ in range(4)] + [DONE]))

# an answer with no content at all
write('openai-empty.sse', sse(
    [oc({'role': 'assistant', 'content': ''}), oc({}, 'stop'), ousage(5, 0), DONE]))

# Responses: failed with an error, no separate error event
write('responses-failed.sse', sse(
    [rv('response.created', response=resp()),
     rv('response.output_item.added', output_index=0,
        item={'id': 'msg_4', 'type': 'message', 'status': 'in_progress', 'role': 'assistant', 'content': []}),
     rv('response.output_text.delta', item_id='msg_4', output_index=0, content_index=0, delta='Work'),
     rv('response.failed', response=resp(status='failed', error={
         'code': 'server_error', 'message': 'The server had an error while processing your request.'}))]))

# Responses: incomplete because of the content filter
write('responses-content-filter.sse', sse(
    [rv('response.created', response=resp()),
     rv('response.output_item.added', output_index=0,
        item={'id': 'msg_5', 'type': 'message', 'status': 'in_progress', 'role': 'assistant', 'content': []}),
     rv('response.output_text.delta', item_id='msg_5', output_index=0, content_index=0, delta='Step one:'),
     rv('response.incomplete', response=resp(status='incomplete', incomplete_details={'reason': 'content_filter'},
          usage={'input_tokens': 8, 'output_tokens': 3, 'total_tokens': 11}))]))

# Gemini: a candidate stopped by SAFETY mid-answer
write('gemini-safety.sse', sse(
    [gm([{'text': 'To make it,'}], usage=GU(7, 3)),
     gm(None, 'SAFETY', usage=GU(7, 3), extra={'candidates': [{'finishReason': 'SAFETY', 'index': 0, 'safetyRatings': [
         {'category': 'HARM_CATEGORY_DANGEROUS_CONTENT', 'probability': 'HIGH', 'blocked': True}]}]})], nl='\r\n'))

# Gemini: an error object after the data events
write('gemini-error.sse', sse(
    [gm([{'text': 'Sure,'}], usage=GU(5, 1)),
     (None, json.dumps({'error': {'code': 503, 'message': 'The model is overloaded. Please try again later.',
                                  'status': 'UNAVAILABLE'}}, separators=(',', ': ')))], nl='\r\n'))

# Gemini: a malformed function call (finish reason error, no text)
write('gemini-malformed-call.sse', sse(
    [gm(None, 'MALFORMED_FUNCTION_CALL', usage=GU(12, 0))], nl='\r\n'))

# ---- no stream at all: replay says so (exit 3) --------------------------------
# a whole chat completion saved instead of a stream
write('noise-object.json', j({'id': CID, 'object': 'chat.completion', 'created': 1700000000, 'model': 'gpt-test',
                              'choices': [{'index': 0, 'message': {'role': 'assistant', 'content': 'Hi.'},
                                           'finish_reason': 'stop'}]}) + '\n')
write('noise-pretty.json', json.dumps({'planets': ['Mercury', 'Venus'], 'count': 2}, indent=2) + '\n')
# Gemini's streamGenerateContent without alt=sse: one JSON array
write('gemini-no-sse.json', '[' + json.dumps({'candidates': [{'content': {'parts': [{'text': 'Hi'}], 'role': 'model'},
                                                              'index': 0}]}, indent=2)
      + '\n,\r\n' + json.dumps({'candidates': [{'content': {'parts': [{'text': '.'}], 'role': 'model'},
                                                'finishReason': 'STOP', 'index': 0}]}, indent=2) + ']')
write('noise-hello.txt', 'hello world\n')
write('noise-html.txt', '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n'
      '<body><h1>502 Bad Gateway</h1></body></html>\n')
import random
rng = random.Random(9)
noise = bytes(rng.randrange(256) for _ in range(512))
assert noise[0] not in b' \t\r\n{:deir\xef', noise[0]
write('noise-random.bin', noise, raw=True)

# ---- 2026 APIs: reasoning, tool calls in every shape, provider quirks ----------
# OpenAI-compatible chat: reasoning_content and reasoning with the same text in
# one delta (taken once), then differing (reasoning_content wins), then
# reasoning alone; the content is JSON and is tracked on its own.
write('openai-reasoning.sse', sse(
    [oc({'role': 'assistant', 'content': ''}),
     oc({'reasoning_content': 'Need a', 'reasoning': 'Need a'}),
     oc({'reasoning': ' JSON {', 'reasoning_content': ' JSON object'}),
     oc({'reasoning': '.'}),
     oc({'content': '{"ok":'}), oc({'content': 'true}'}),
     oc({}, 'stop'), ousage(5, 9, reasoning=4),
     (None, '[DONE]')]))

# a name in a later chunk than the call's first; a call sent whole with
# empty arguments (it takes none)
write('openai-tool-quirks.sse', sse(
    [oc({'role': 'assistant', 'content': None,
         'tool_calls': [{'index': 0, 'id': 'call_n', 'type': 'function',
                         'function': {'name': '', 'arguments': ''}}]}),
     oc({'tool_calls': [{'index': 0, 'function': {'name': 'search', 'arguments': '{"q":"x"}'}}]}),
     oc({'tool_calls': [{'index': 1, 'id': 'call_e', 'type': 'function',
                         'function': {'name': 'now', 'arguments': ''}}]}),
     oc({}, 'tool_calls'),
     (None, '[DONE]')]))

# Mistral: thinking parts interleaved with text parts
def mth(t):
    return {'type': 'thinking', 'thinking': [{'type': 'text', 'text': t}]}
write('mistral-thinking.sse', sse(
    [oc({'role': 'assistant', 'content': [mth('First.')]}),
     oc({'content': [{'type': 'text', 'text': 'Part'}]}),
     oc({'content': [mth(' Second.')]}),
     oc({'content': [{'type': 'text', 'text': 'ial.'}]}),
     oc({'content': ''}, 'stop'),
     (None, '[DONE]')]))

# Responses: a reasoning item with two summary parts, one with an empty
# summary and only encrypted content, then the message; then a response that
# failed because the token limit cut it
write('responses-reasoning.sse', sse(
    [rv('response.created', response=resp()),
     rv('response.output_item.added', output_index=0,
        item={'id': 'rs_1', 'type': 'reasoning', 'summary': []}),
     rv('response.reasoning_summary_part.added', item_id='rs_1', output_index=0, summary_index=0,
        part={'type': 'summary_text', 'text': ''}),
     rv('response.reasoning_summary_text.delta', item_id='rs_1', output_index=0, summary_index=0,
        delta='**Plan**'),
     rv('response.reasoning_summary_part.added', item_id='rs_1', output_index=0, summary_index=1,
        part={'type': 'summary_text', 'text': ''}),
     rv('response.reasoning_summary_text.delta', item_id='rs_1', output_index=0, summary_index=1,
        delta='Add.'),
     rv('response.output_item.done', output_index=0,
        item={'id': 'rs_1', 'type': 'reasoning',
              'summary': [{'type': 'summary_text', 'text': '**Plan**'},
                          {'type': 'summary_text', 'text': 'Add.'}]}),
     rv('response.output_item.added', output_index=1,
        item={'id': 'rs_2', 'type': 'reasoning', 'summary': []}),
     rv('response.output_item.done', output_index=1,
        item={'id': 'rs_2', 'type': 'reasoning', 'summary': [], 'encrypted_content': 'gAAAAB'}),
     rv('response.output_item.added', output_index=2,
        item={'id': 'msg_r', 'type': 'message', 'status': 'in_progress', 'role': 'assistant',
              'content': []}),
     rv('response.output_text.delta', item_id='msg_r', output_index=2, content_index=0, delta='4'),
     rv('response.completed', response=resp(status='completed', usage={
         'input_tokens': 6, 'output_tokens': 30, 'total_tokens': 36,
         'output_tokens_details': {'reasoning_tokens': 29}}))]))

write('responses-failed-length.sse', sse(
    [rv('response.created', response=resp()),
     rv('response.output_item.added', output_index=0,
        item={'id': 'msg_f', 'type': 'message', 'status': 'in_progress', 'role': 'assistant',
              'content': []}),
     rv('response.output_text.delta', item_id='msg_f', output_index=0, content_index=0,
        delta='{"a":[1,'),
     rv('response.failed', response=resp(status='failed',
        error={'code': 'server_error', 'message': 'response failed'},
        incomplete_details={'reason': 'max_output_tokens'}))]))

# Anthropic: a thinking block with its signature, a redacted_thinking block,
# then text; stop_sequence
write('anthropic-thinking.sse', sse(
    [an('message_start', message=MSG),
     an('content_block_start', index=0, content_block={'type': 'thinking', 'thinking': ''}),
     an('content_block_delta', index=0, delta={'type': 'thinking_delta', 'thinking': 'Two'}),
     an('content_block_delta', index=0, delta={'type': 'thinking_delta', 'thinking': ' steps.'}),
     an('content_block_delta', index=0, delta={'type': 'signature_delta', 'signature': 'EqQBCg=='}),
     an('content_block_stop', index=0),
     an('content_block_start', index=1, content_block={'type': 'redacted_thinking', 'data': 'EmwKAh'}),
     an('content_block_stop', index=1),
     an('content_block_start', index=2, content_block={'type': 'text', 'text': ''}),
     an('content_block_delta', index=2, delta={'type': 'text_delta', 'text': 'Done.'}),
     an('content_block_stop', index=2),
     an('message_delta', delta={'stop_reason': 'end_turn', 'stop_sequence': None},
        usage={'output_tokens': 20}),
     an('message_stop')]))

# Anthropic: a tool call already in message_start.message.content; a tool_use
# block with its whole input in content_block_start (no deltas); one with the
# {} placeholder and no deltas (a tool without arguments)
write('anthropic-whole-input.sse', sse(
    [an('message_start', message=dict(MSG, content=[
        {'type': 'tool_use', 'id': 'toolu_m', 'name': 'roll', 'input': {'sides': 6}}])),
     an('content_block_start', index=0, content_block={
         'type': 'tool_use', 'id': 'toolu_w', 'name': 'query', 'input': {'sql': 'SELECT 1'}}),
     an('content_block_stop', index=0),
     an('content_block_start', index=1, content_block={
         'type': 'tool_use', 'id': 'toolu_e', 'name': 'refresh', 'input': {}}),
     an('content_block_stop', index=1),
     an('message_delta', delta={'stop_reason': 'tool_use', 'stop_sequence': None},
        usage={'output_tokens': 12}),
     an('message_stop')]))

# Anthropic: a second message_start while the first is open (a spliced
# stream); and two whole messages back to back (a recording of two turns)
write('anthropic-spliced.sse', sse(
    [an('message_start', message=MSG),
     an('content_block_start', index=0, content_block={'type': 'text', 'text': ''}),
     an('content_block_delta', index=0, delta={'type': 'text_delta', 'text': 'Hel'}),
     an('message_start', message=dict(MSG, id='msg_a2')),
     an('content_block_start', index=0, content_block={
         'type': 'tool_use', 'id': 'toolu_s', 'name': 'rm', 'input': {}}),
     an('content_block_delta', index=0, delta={'type': 'input_json_delta', 'partial_json': '{}'}),
     an('content_block_stop', index=0),
     an('message_delta', delta={'stop_reason': 'tool_use', 'stop_sequence': None},
        usage={'output_tokens': 3}),
     an('message_stop')]))

write('anthropic-two-messages.sse', sse(
    [an('message_start', message=MSG),
     an('content_block_start', index=0, content_block={
         'type': 'tool_use', 'id': 'toolu_1', 'name': 'clock', 'input': {}}),
     an('content_block_delta', index=0, delta={'type': 'input_json_delta', 'partial_json': '{"tz":"UTC"}'}),
     an('content_block_stop', index=0),
     an('message_delta', delta={'stop_reason': 'tool_use', 'stop_sequence': None},
        usage={'output_tokens': 8}),
     an('message_stop'),
     an('message_start', message=dict(MSG, id='msg_a2')),
     an('content_block_start', index=0, content_block={'type': 'text', 'text': ''}),
     an('content_block_delta', index=0, delta={'type': 'text_delta', 'text': 'Noon.'}),
     an('content_block_stop', index=0),
     an('message_delta', delta={'stop_reason': 'end_turn', 'stop_sequence': None},
        usage={'output_tokens': 4}),
     an('message_stop')]))

# Gemini: thought parts are reasoning; a part's thoughtSignature
write('gemini-thought.sse', sse(
    [gm([{'text': 'Compare sizes.', 'thought': True}]),
     gm([{'text': 'Jupiter', 'thoughtSignature': 'CiQB'}]),
     gm([{'text': '.'}], 'STOP', GU(4, 2))]))

# Ollama: message.thinking before the content
write('ollama-thinking.ndjson', ''.join(
    [json.dumps({'model': 'qwen3', 'created_at': '2025-01-01T00:00:00Z',
                 'message': {'role': 'assistant', 'content': '', 'thinking': t}, 'done': False},
                separators=(',', ':')) + '\n' for t in ['Say', ' hi.']]
    + [ol('Hi!'), ol('', True, done_reason='stop', **FIN)]))

# ---- client tools other than functions, server tools, extras (issue 10) ------------
# Responses: a custom tool (free-text input streamed as input deltas), local_shell,
# shell (no container: the application runs it) and apply_patch calls: their
# action comes whole in output_item.done
def msg_item(id_, status='in_progress', content=()):
    return {'id': id_, 'type': 'message', 'status': status, 'role': 'assistant',
            'content': list(content)}

write('responses-client-tools.sse', sse(
    [rv('response.created', response=resp()),
     rv('response.output_item.added', output_index=0,
        item={'type': 'custom_tool_call', 'id': 'ctc_1', 'call_id': 'call_c', 'name': 'sql',
              'input': ''}),
     rv('response.custom_tool_call_input.delta', item_id='ctc_1', output_index=0,
        delta='SELECT "a{" '),
     rv('response.custom_tool_call_input.delta', item_id='ctc_1', output_index=0,
        delta='FROM t'),
     rv('response.custom_tool_call_input.done', item_id='ctc_1', output_index=0,
        input='SELECT "a{" FROM t'),
     rv('response.output_item.done', output_index=0,
        item={'type': 'custom_tool_call', 'id': 'ctc_1', 'call_id': 'call_c', 'name': 'sql',
              'input': 'SELECT "a{" FROM t', 'status': 'completed'}),
     rv('response.output_item.added', output_index=1,
        item={'id': 'lsh_1', 'type': 'local_shell_call', 'status': 'in_progress',
              'call_id': 'call_l', 'action': {'type': 'exec', 'command': [], 'env': {}}}),
     rv('response.output_item.done', output_index=1,
        item={'id': 'lsh_1', 'type': 'local_shell_call', 'status': 'completed',
              'call_id': 'call_l', 'action': {'type': 'exec', 'command': ['ls', '-a'], 'env': {}}}),
     rv('response.output_item.added', output_index=2,
        item={'id': 'sh_1', 'type': 'shell_call', 'status': 'in_progress', 'call_id': 'call_s',
              'action': {'commands': [], 'timeout_ms': None, 'max_output_length': None}}),
     rv('response.shell_call_command.added', output_index=2, command_index=0, command=''),
     rv('response.shell_call_command.delta', output_index=2, command_index=0, delta='pw'),
     rv('response.shell_call_command.delta', output_index=2, command_index=0, delta='d'),
     rv('response.shell_call_command.done', output_index=2, command_index=0, command='pwd'),
     rv('response.output_item.done', output_index=2,
        item={'id': 'sh_1', 'type': 'shell_call', 'status': 'completed', 'call_id': 'call_s',
              'action': {'commands': ['pwd'], 'timeout_ms': None, 'max_output_length': 4096}}),
     rv('response.output_item.added', output_index=3,
        item={'id': 'apc_1', 'type': 'apply_patch_call', 'status': 'in_progress',
              'call_id': 'call_p', 'operation': {'type': 'create_file', 'path': 'a.md', 'diff': ''}}),
     rv('response.apply_patch_call_operation_diff.delta', item_id='apc_1', output_index=3,
        delta='+hi\n'),
     rv('response.apply_patch_call_operation_diff.done', item_id='apc_1', output_index=3,
        diff='+hi\n'),
     rv('response.output_item.done', output_index=3,
        item={'id': 'apc_1', 'type': 'apply_patch_call', 'status': 'completed',
              'call_id': 'call_p', 'operation': {'type': 'create_file', 'path': 'a.md',
                                                 'diff': '+hi\n'}}),
     rv('response.completed', response=resp(status='completed', usage={
         'input_tokens': 30, 'output_tokens': 20, 'total_tokens': 50}))]))

# Responses: tools OpenAI ran itself (web search, file search, MCP, a shell in
# its container, and that shell's output), then a message with annotations
# and logprobs; the service tier in response.completed
write('responses-server-tools.sse', sse(
    [rv('response.created', response=resp()),
     rv('response.output_item.added', output_index=0,
        item={'id': 'ws_1', 'type': 'web_search_call', 'status': 'in_progress'}),
     rv('response.web_search_call.searching', output_index=0, item_id='ws_1'),
     rv('response.output_item.done', output_index=0,
        item={'id': 'ws_1', 'type': 'web_search_call', 'status': 'completed',
              'action': {'type': 'search', 'query': 'llm news'}}),
     rv('response.output_item.added', output_index=1,
        item={'id': 'fs_1', 'type': 'file_search_call', 'status': 'in_progress', 'queries': []}),
     rv('response.output_item.done', output_index=1,
        item={'id': 'fs_1', 'type': 'file_search_call', 'status': 'completed',
              'queries': ['q1'], 'results': None}),
     rv('response.output_item.added', output_index=2,
        item={'id': 'mcp_1', 'type': 'mcp_call', 'status': 'in_progress', 'name': 'echo',
              'server_label': 'srv', 'arguments': ''}),
     rv('response.mcp_call_arguments.delta', output_index=2, item_id='mcp_1', delta='{"m":1}'),
     rv('response.output_item.done', output_index=2,
        item={'id': 'mcp_1', 'type': 'mcp_call', 'status': 'completed', 'name': 'echo',
              'server_label': 'srv', 'arguments': '{"m":1}', 'output': 'big output'}),
     rv('response.output_item.added', output_index=3,
        item={'id': 'sh_c', 'type': 'shell_call', 'status': 'in_progress', 'call_id': 'call_sc',
              'action': {'commands': []},
              'environment': {'type': 'container_reference', 'container_id': 'cntr_1'}}),
     rv('response.output_item.done', output_index=3,
        item={'id': 'sh_c', 'type': 'shell_call', 'status': 'completed', 'call_id': 'call_sc',
              'action': {'commands': ['uname']},
              'environment': {'type': 'container_reference', 'container_id': 'cntr_1'}}),
     rv('response.output_item.done', output_index=4,
        item={'id': 'sho_c', 'type': 'shell_call_output', 'status': 'completed',
              'call_id': 'call_sc', 'output': []}),
     rv('response.output_item.added', output_index=5, item=msg_item('msg_s')),
     rv('response.output_text.delta', item_id='msg_s', output_index=5, content_index=0,
        delta='News', logprobs=[{'token': 'News', 'logprob': -0.5, 'top_logprobs': []}]),
     rv('response.output_text.delta', item_id='msg_s', output_index=5, content_index=0,
        delta='.', logprobs=[{'token': '.', 'logprob': -0.25, 'top_logprobs': []}]),
     rv('response.output_text.annotation.added', item_id='msg_s', output_index=5,
        content_index=0, annotation_index=0,
        annotation={'type': 'url_citation', 'start_index': 0, 'end_index': 4,
                    'url': 'https://ex.com/n', 'title': 'N'}),
     rv('response.output_text.annotation.added', item_id='msg_s', output_index=5,
        content_index=0, annotation_index=1,
        annotation={'type': 'file_citation', 'file_id': 'file-1', 'filename': 'a.pdf',
                    'index': 4}),
     rv('response.completed', response=resp(status='completed', service_tier='flex', usage={
         'input_tokens': 9, 'output_tokens': 2, 'total_tokens': 11}))]))

# Anthropic: a server tool (web search, input streamed) and its result, text
# with a citation, an MCP tool whose result is an error; service tier; the
# finish pause_turn
write('anthropic-server-tools.sse', sse(
    [an('message_start', message=dict(MSG, usage=dict(MSG['usage'], service_tier='standard'))),
     an('content_block_start', index=0, content_block={
         'type': 'server_tool_use', 'id': 'srvtoolu_1', 'name': 'web_search', 'input': {}}),
     an('content_block_delta', index=0, delta={'type': 'input_json_delta', 'partial_json': '{"query":'}),
     an('content_block_delta', index=0, delta={'type': 'input_json_delta', 'partial_json': '"llm"}'}),
     an('content_block_stop', index=0),
     an('content_block_start', index=1, content_block={
         'type': 'web_search_tool_result', 'tool_use_id': 'srvtoolu_1', 'content': [
             {'type': 'web_search_result', 'url': 'https://ex.com/a', 'title': 'A',
              'encrypted_content': 'Eq', 'page_age': None}]}),
     an('content_block_stop', index=1),
     an('content_block_start', index=2, content_block={'type': 'text', 'text': '', 'citations': []}),
     an('content_block_delta', index=2, delta={'type': 'citations_delta', 'citation': {
         'type': 'web_search_result_location', 'cited_text': 'a fact', 'url': 'https://ex.com/a',
         'title': 'A', 'encrypted_index': 'Eo'}}),
     an('content_block_delta', index=2, delta={'type': 'text_delta', 'text': 'A fact.'}),
     an('content_block_stop', index=2),
     an('content_block_start', index=3, content_block={
         'type': 'mcp_tool_use', 'id': 'mcptoolu_1', 'name': 'echo', 'server_name': 'e',
         'input': {'m': 'hi'}}),
     an('content_block_stop', index=3),
     an('content_block_start', index=4, content_block={
         'type': 'mcp_tool_result', 'tool_use_id': 'mcptoolu_1', 'is_error': True,
         'content': [{'type': 'text', 'text': 'boom'}]}),
     an('content_block_stop', index=4),
     an('content_block_start', index=5, content_block={
         'type': 'server_tool_use', 'id': 'srvtoolu_2', 'name': 'web_fetch', 'input': {}}),
     an('content_block_stop', index=5),
     an('message_delta', delta={'stop_reason': 'pause_turn', 'stop_sequence': None},
        usage={'output_tokens': 40}),
     an('message_stop')]))

# Anthropic: stopped by a stop sequence
write('anthropic-stop-sequence.sse', sse(
    [an('message_start', message=MSG),
     an('content_block_start', index=0, content_block={'type': 'text', 'text': ''}),
     an('content_block_delta', index=0, delta={'type': 'text_delta', 'text': 'One, two'}),
     an('content_block_stop', index=0),
     an('message_delta', delta={'stop_reason': 'stop_sequence', 'stop_sequence': '###'},
        usage={'output_tokens': 3}),
     an('message_stop')]))

# OpenAI chat: logprobs per token, the service tier
def lp(tok, p):
    return {'content': [{'token': tok, 'logprob': p, 'bytes': list(tok.encode()),
                         'top_logprobs': []}], 'refusal': None}
def oc_lp(delta, logprobs, finish=None):
    o = {'id': CID, 'object': 'chat.completion.chunk', 'created': 1700000000,
         'model': 'gpt-test', 'service_tier': 'default',
         'choices': [{'index': 0, 'delta': delta, 'logprobs': logprobs, 'finish_reason': finish}]}
    return (None, j(o))
write('openai-logprobs.sse', sse(
    [oc_lp({'role': 'assistant', 'content': ''}, None),
     oc_lp({'content': 'Hi'}, lp('Hi', -0.125)),
     oc_lp({'content': '!'}, lp('!', -1.5)),
     oc_lp({}, None, 'stop'), DONE]))

# Perplexity: the citations array repeated on every chunk (kept once each)
def px(delta, cites, finish=None):
    return (None, j({'id': 'px-1', 'model': 'sonar', 'object': 'chat.completion.chunk',
                     'created': 1700000000, 'citations': cites,
                     'choices': [{'index': 0, 'delta': delta, 'finish_reason': finish}]}))
C1 = ['https://ex.com/1']
C2 = ['https://ex.com/1', 'https://ex.com/2']
write('perplexity-citations.sse', sse(
    [px({'role': 'assistant', 'content': 'Two'}, C1), px({'content': ' facts.'}, C2),
     px({}, C2, 'stop'), DONE]))

# Gemini's OpenAI compatibility: a tool call's thought signature in extra_content
write('gemini-compat-signature.sse', sse(
    [oc({'role': 'assistant', 'tool_calls': [
        {'index': 0, 'id': 'call_g', 'type': 'function',
         'function': {'name': 'f', 'arguments': '{"x":1}'},
         'extra_content': {'google': {'thought_signature': 'c2lnX2E='}}}]}),
     oc({}, 'tool_calls'), DONE]))
