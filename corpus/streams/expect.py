#!/usr/bin/env python3
"""The expected reports of corpus/streams (`llmjson replay --report`), written
by hand from reading each stream (see gen.py for what each one holds) and
docs/providers.md / docs/salvage.md: content, finish reasons, salvages (cut, closer,
closed pointers), usage, errors and their positions. This script only puts
the hand-written values into the report's byte-exact form and writes
NAME.report files plus MANIFEST (NAME EXIT REPORT [ARGS]).
Positions of errors are looked up in the stream bytes (the line that holds
the error), not taken from the tool."""
import json, os

HERE = os.path.dirname(os.path.abspath(__file__))

def raw(name):
    return open(os.path.join(HERE, name), 'rb').read()

def pos_of(name, needle):
    """offset, line, column of the start of the line holding needle."""
    d = raw(name)
    i = d.index(needle.encode())
    i = d.rfind(b'\n', 0, i) + 1 if d.rfind(b'\n', 0, i) >= 0 else 0
    return i, d[:i].count(b'\n') + 1, i - (d.rfind(b'\n', 0, i) + 1) + 1

def pos_end(name):
    d = raw(name)
    n = len(d)
    return n, d.count(b'\n') + 1, n - (d.rfind(b'\n') + 1) + 1

def salvage(status, kept, closed, text, error=None):
    return {'status': status, 'bytes_kept': kept, 'closed': closed, 'error': error, 'text': text}

def complete(text):
    return salvage('complete', len(text.encode()), [], text)

def usage(i=None, o=None, t=None, c=None, r=None):
    return {'input_tokens': i, 'output_tokens': o, 'total_tokens': t, 'cached_tokens': c,
            'reasoning_tokens': r}

def tool(index, id, name, args, complete_, salv, lost=0, lost_at=None, type_=None,
         text_input=False, signature=None):
    t = {'index': index, 'id': id, 'name': name}
    if type_ is not None:  # only a call that is not a function's says its type
        t['type'] = type_
    if text_input:
        t['text_input'] = True
    if signature is not None:
        t['signature'] = signature
    t.update({'arguments': args, 'complete': complete_, 'lost_events': lost,
              'lost_offset': lost_at, 'salvage': salv})
    return t

def choice(finish, raw_, content, complete_, json_=False, salv=None, refusal=None, tools=(),
           index=0, lost=0, lost_at=None, reasoning=None, extras=None):
    c = {'index': index, 'finish_reason': finish, 'finish_reason_raw': raw_, 'content': content,
         'refusal': refusal}
    if reasoning is not None:  # only a choice with reasoning has the member
        c['reasoning'] = reasoning
    for k in ('stop_sequence', 'logprobs', 'citations', 'server_tools'):
        if extras and k in extras:  # each only when the provider sent it
            c[k] = extras[k]
    c.update({'json': json_, 'complete': complete_, 'lost_events': lost, 'lost_offset': lost_at,
              'salvage': salv, 'tool_calls': list(tools)})
    return c

def reasoning(text, signature=None, redacted=0):
    return {'text': text, 'signature': signature, 'redacted': redacted}

def perror(name, needle, type_, code, message):
    off, line, col = pos_of(name, needle)
    return {'status': 'provider_error', 'type': type_, 'code': code, 'message': message,
            'offset': off, 'line': line, 'column': col}

def serror(status, message, off, line, col):
    return {'status': status, 'message': message, 'offset': off, 'line': line, 'column': col}

def report(dialect, status, events, choices, usage_=None, error=None, bad=0, tier=None):
    r = {'dialect': dialect, 'status': status, 'events': events, 'bad_events': bad,
         'choices': choices, 'usage': usage_}
    if tier is not None:
        r['service_tier'] = tier
    r.update({'error': error, 'stream_complete': status == 'ok'})
    return r

# the exit status's word, the report's last member (README.md, "Exit status")
VERDICT = {0: 'complete', 2: 'truncated', 3: 'invalid', 4: 'runaway', 5: 'empty', 6: 'provider_error',
           9: 'refused'}

def server(type_, name, id_, input_, status, result=None):
    v = {'type': type_, 'name': name, 'id': id_, 'input': input_, 'status': status}
    if result is not None:
        v['result'] = result
    return v

def cite(type_, source, title=''):
    return {'type': type_, 'source': source, 'title': title}

CASES = []  # (name, exit, report file, report, args)

def case(name, exit_, rep, args=(), report_name=None):
    rep['verdict'] = VERDICT[exit_]
    CASES.append((name, exit_, report_name or name.rsplit('.', 1)[0] + '.report', rep, list(args)))

# ---- OpenAI chat ---------------------------------------------------------------
case('openai-text.sse', 0, report('openai', 'ok', 10, [
    choice('stop', 'stop', 'Hello, world! Ça va ✓', True)], usage(12, 7, 19, 4, 0)))

J = '\n{"planets":[{"name":"Mercury","moons":0},{"name":"Venus","moons":0}]}'
case('openai-json.sse', 0, report('openai', 'ok', 16, [
    choice('stop', 'stop', J, True, True, complete(J))]))
# the same, said to be plain text: no salvage
case('openai-json.sse', 0, report('openai', 'ok', 16, [
    choice('stop', 'stop', J, True)]), ['--text'], 'openai-json.text.report')
# plain text said to be JSON: invalid at its first byte
case('openai-text.sse', 3, report('openai', 'ok', 10, [
    choice('stop', 'stop', 'Hello, world! Ça va ✓', False, True,
           salvage('invalid', 0, [], '', {'offset': 0, 'line': 1, 'column': 1,
                                         'message': 'value expected'}))],
           usage(12, 7, 19, 4, 0)),
     ['--json'], 'openai-text.json.report')

case('openai-tools.sse', 0, report('openai', 'ok', 12, [
    choice('tool_calls', 'tool_calls', '', True, tools=[
        tool(0, 'call_a', 'get_weather', '{"city": "Paris"}', True, complete('{"city": "Paris"}')),
        tool(1, 'call_b', 'get_time', '{"tz": "CET", "h24": true}', True,
             complete('{"tz": "CET", "h24": true}'))])], usage(40, 30, 70)))

LOST = pos_of('openai-lost-event.sse', ',\\"x\\"')
case('openai-lost-event.sse', 2, report('openai', 'truncated', 7, [
    choice('tool_calls', 'tool_calls', '', False, lost=1, lost_at=LOST[0], tools=[
        tool(0, 'call_x', 'sh', '{"cmd":"ls"}', False, complete('{"cmd":"ls"}'), lost=1,
             lost_at=LOST[0])])], None,
    serror('truncated', '2 texts are not whole: 1 unreadable event may belong to them (the first '
           'at byte %d)' % LOST[0], *LOST), bad=1))

case('openai-n2.sse', 2, report('openai', 'ok', 10, [
    choice('stop', 'stop', 'Yes.', True),
    choice('length', 'length', '{"a":[1,2', False, True,
           salvage('truncated', 7, ['/a', ''], '{"a":[1]}'), index=1)], usage(5, 8, 13)))
# greedy: the number at the end is still dropped (a partial number is no value)
case('openai-n2.sse', 2, report('openai', 'ok', 10, [
    choice('stop', 'stop', 'Yes.', True),
    choice('length', 'length', '{"a":[1,2', False, True,
           salvage('truncated', 7, ['/a', ''], '{"a":[1]}'), index=1)], usage(5, 8, 13)),
     ['--greedy'], 'openai-n2.greedy.report')

case('openai-refusal.sse', 9, report('openai', 'ok', 6, [
    choice('refusal', 'stop', '', True, refusal="I'm sorry, I cannot help with that.")]))

case('openai-length.sse', 2, report('openai', 'ok', 8, [
    choice('length', 'length', '{"name":"Mercury","moons":[{"n":"Mer', False, True,
           salvage('truncated', 28, ['/moons/0', '/moons', ''],
                   '{"name":"Mercury","moons":[{}]}'))], usage(10, 9, 19)))
case('openai-length.sse', 2, report('openai', 'ok', 8, [
    choice('length', 'length', '{"name":"Mercury","moons":[{"n":"Mer', False, True,
           salvage('truncated', 36, ['/moons/0', '/moons', ''],
                   '{"name":"Mercury","moons":[{"n":"Mer"}]}'))], usage(10, 9, 19)),
     ['--greedy'], 'openai-length.greedy.report')

case('openai-error.sse', 6, report('openai', 'provider_error', 5, [
    choice('error', None, 'The answer is', False)], None,
    perror('openai-error.sse', 'data: {"error"', 'server_error', '',
           'The server had an error while processing your request.')))

case('openai-keepalive-crlf.sse', 0, report('openai', 'ok', 6, [
    choice('stop', 'stop', '[1, 2, 3]', True, True, complete('[1, 2, 3]'))]))
case('openai-cr.sse', 0, report('openai', 'ok', 5, [
    choice('stop', 'stop', '{"ok":true}', True, True, complete('{"ok":true}'))]))
case('openai-bom.sse', 0, report('openai', 'ok', 5, [choice('stop', 'stop', 'BOM', True)]))

S = '{"emoji":"smile \U0001F600!"}'
case('openai-surrogate.sse', 0, report('openai', 'ok', 7, [
    choice('stop', 'stop', S, True, True, complete(S))]))

RUN = '{"a":1' + ' ' * 288
off, line, col = pos_of('openai-runaway.sse', 'data: ' + '{"id":"chatcmpl-t1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-test","choices":[{"index":0,"delta":{"content":"' + ' ' * 32)
# the run starts at depth 1, so the limit is 256 + 8 = 264 bytes: the 9th run
# of 32 spaces holds the 264th whitespace byte (events 3..12 are runs)
d = raw('openai-runaway.sse')
starts = [0] + [i + 2 for i in range(len(d)) if d[i:i + 2] == b'\n\n']
off = starts[10]
line = d[:off].count(b'\n') + 1
case('openai-runaway.sse', 4, report('openai', 'runaway_whitespace', 11, [
    choice('none', None, RUN, False, True, salvage('runaway', 6, [''], '{"a":1}'))], None,
    serror('runaway_whitespace', 'runaway in the content of choice 0 (text offset 6)', off, line, 1)))

case('openai-cut.sse', 2, report('openai', 'sse_cut', 4, [
    choice('none', None, '{"list":["x","y"', False, True,
           salvage('truncated', 16, ['/list', ''], '{"list":["x","y"]}'))], None,
    serror('sse_cut', 'the input ended inside a line', *pos_end('openai-cut.sse'))))

case('openai-noend.sse', 2, report('openai', 'truncated', 3, [
    choice('none', None, 'Once upon a time', False)], None,
    serror('truncated', "the stream ended before a choice's finish reason",
           *pos_end('openai-noend.sse'))))

case('llama-error-field.sse', 6, report('openai', 'provider_error', 4, [
    choice('error', None, 'Partial', False)], None,
    perror('llama-error-field.sse', 'error: {', 'server_error', '500',
           'context shift is disabled')))

# ---- OpenAI Responses ------------------------------------------------------------
case('responses-text.sse', 0, report('responses', 'ok', 9, [
    choice('stop', 'completed', 'Pong.', True)], usage(9, 3, 12, 0, 0)))
case('responses-tools.sse', 0, report('responses', 'ok', 9, [
    choice('tool_calls', 'completed', '', True, tools=[
        tool(0, 'call_r1', 'lookup', '{"q":"llm json","n":3}', True,
             complete('{"q":"llm json","n":3}'))])], usage(20, 11, 31)))
case('responses-incomplete.sse', 2, report('responses', 'ok', 6, [
    choice('length', 'max_output_tokens', '{"steps":["one","tw', False, True,
           salvage('truncated', 15, ['/steps', ''], '{"steps":["one"]}'))], usage(7, 6, 13)))
case('responses-error.sse', 6, report('responses', 'provider_error', 3, [
    choice('error', 'failed', '', False)], None,
    perror('responses-error.sse', 'event: error', 'insufficient_quota', 'insufficient_quota',
           'You exceeded your current quota.')))

# ---- Anthropic --------------------------------------------------------------------
AU = lambda o: usage(25, o, None, 5)
case('anthropic-text.sse', 0, report('anthropic', 'ok', 9, [
    choice('stop', 'end_turn', 'Bonjour le monde.', True)], AU(6)))
case('anthropic-tools.sse', 0, report('anthropic', 'ok', 15, [
    choice('tool_calls', 'tool_use', 'Checking both.', True, tools=[
        tool(0, 'toolu_1', 'weather', '{"city": "Oslo"}', True, complete('{"city": "Oslo"}')),
        tool(1, 'toolu_2', 'weather', '{"city": "Rome", "days": 3}', True,
             complete('{"city": "Rome", "days": 3}'))])], AU(60)))
A = '{"path": "notes.txt", "lines": ["first", "sec'
case('anthropic-max-tokens.sse', 2, report('anthropic', 'ok', 6, [
    choice('length', 'max_tokens', '', False, tools=[
        tool(0, 'toolu_3', 'write_file', A, False,
             salvage('truncated', 39, ['/lines', ''],
                     '{"path": "notes.txt", "lines": ["first"]}'))])], AU(32)))
case('anthropic-error.sse', 6, report('anthropic', 'provider_error', 4, [
    choice('error', None, 'Let me think', False)], AU(1),
    perror('anthropic-error.sse', 'event: error', 'overloaded_error', '', 'Overloaded')))
case('anthropic-refusal.sse', 9, report('anthropic', 'ok', 3, [
    choice('refusal', 'refusal', '', True)], AU(0)))

# ---- Gemini -----------------------------------------------------------------------
case('gemini-text.sse', 0, report('gemini', 'ok', 3, [
    choice('stop', 'STOP', 'The capital of France is Paris.\n', True)], usage(8, 7, 15)))
G = '{\n  "cities": [\n    "Paris",\n    "Lyon",\n    "Mar'
case('gemini-json.sse', 2, report('gemini', 'ok', 2, [
    choice('length', 'MAX_TOKENS', G, False, True,
           salvage('truncated', G.index('"Lyon"') + 6, ['/cities', ''],
                   '{\n  "cities": [\n    "Paris",\n    "Lyon"]}'))], usage(11, 16, 27)))
case('gemini-function.sse', 0, report('gemini', 'ok', 1, [
    choice('tool_calls', 'STOP', '', True, tools=[
        tool(0, '', 'get_capital', '{"country": "France"}', True,
             complete('{"country": "France"}')),
        tool(1, '', 'get_capital', '{"country": "Peru","year": 2024}', True,
             complete('{"country": "Peru","year": 2024}'))])], usage(30, 12, 42)))
case('gemini-blocked.sse', 9, report('gemini', 'ok', 1, [
    choice('content_filter', 'SAFETY', '', False)], usage(6, None, 6)))

# ---- Ollama -------------------------------------------------------------------------
OU = usage(14, 6)
case('ollama-chat.ndjson', 0, report('ollama', 'ok', 5, [
    choice('stop', 'stop', 'Why is the sky blue?', True)], OU))
O = '{"tag":"<b>","op":"a&b","more":[1,'
case('ollama-generate-json.ndjson', 2, report('ollama', 'ok', 5, [
    choice('length', 'length', O, False, True,
           salvage('truncated', len(O) - 1, ['/more', ''], O[:-1] + ']}'))], OU))
case('ollama-tools.ndjson', 0, report('ollama', 'ok', 2, [
    choice('tool_calls', 'stop', '', True, tools=[
        tool(0, '', 'get_weather', '{"city":"Oslo","unit":"C"}', True,
             complete('{"city":"Oslo","unit":"C"}'))])], OU))
case('ollama-error.ndjson', 6, report('ollama', 'provider_error', 3, [
    choice('error', None, 'Half an', False)], None,
    perror('ollama-error.ndjson', '{"error"', '', '',
           'an error was encountered while running the model')))

# ---- more: every dialect's surrogates, n = 2, refusal, runaway in arguments ------
d = raw('anthropic-runaway-tool.sse')
starts = [0] + [i + 2 for i in range(len(d)) if d[i:i + 2] == b'\n\n']
off = starts[8]  # the 9th event: the 6th run of 50 newlines (300 >= 256 + 8 * 2)
case('anthropic-runaway-tool.sse', 4, report('anthropic', 'runaway_whitespace', 9, [
    choice('none', None, '', False, tools=[
        tool(0, 'toolu_9', 'fill', '{"items": [' + '\n' * 300, False,
             salvage('runaway', 11, ['/items', ''], '{"items": []}'))])], AU(1),
    serror('runaway_whitespace', 'runaway in the arguments of tool call 0 of choice 0', off,
           d[:off].count(b'\n') + 1, 1)))
case('anthropic-surrogate.sse', 0, report('anthropic', 'ok', 8, [
    choice('stop', 'end_turn', 'Music \U0001F3B5 on', True)], AU(5)))
case('gemini-n2-surrogate.sse', 2, report('gemini', 'ok', 4, [
    choice('stop', 'STOP', 'A \U0001F44D ok', True),
    choice('length', 'MAX_TOKENS', 'B\U0001F44E', False, index=1)]))
case('responses-refusal.sse', 9, report('responses', 'ok', 5, [
    choice('refusal', 'completed', '', True, refusal='I cannot do that.')], usage(4, 4, 8)))
case('ollama-bom-crlf-surrogate.ndjson', 0, report('ollama', 'ok', 3, [
    choice('stop', 'stop', 'Hi \U0001F60A', True)], usage(3, 2)))

# ---- verdicts: provider errors (6), refusals and filters (9), which wins -------
case('openai-finish-error.sse', 6, report('openai', 'ok', 5, [
    choice('error', 'insufficient_system_resource', 'The first step', False)], usage(9, 3, 12)))
case('openai-content-filter.sse', 9, report('openai', 'ok', 6, [
    choice('content_filter', 'content_filter', 'Here is how to', False)]))
# the partial string value and its key are dropped: {} (docs/salvage.md)
case('openai-json-filtered.sse', 9, report('openai', 'ok', 6, [
    choice('content_filter', 'content_filter', '{"story":"Once upon', False, True,
           salvage('truncated', 1, [''], '{}'))]))
# a refusal, then the provider's error: 6 wins over 9
case('openai-refusal-error.sse', 6, report('openai', 'provider_error', 4, [
    choice('error', None, '', False, refusal="I can't")], None,
    perror('openai-refusal-error.sse', 'data: {"error"', 'server_error', '', 'Internal error')))
# choice 0 refuses, choice 1 runs away (3 runs of 100 spaces at depth 1: the
# 264th byte is in the 3rd, the 7th event): 9 wins over 4
d = raw('openai-n2-refusal-runaway.sse')
starts = [0] + [i + 2 for i in range(len(d)) if d[i:i + 2] == b'\n\n']
off = starts[6]
case('openai-n2-refusal-runaway.sse', 9, report('openai', 'runaway_whitespace', 7, [
    choice('refusal', 'stop', '', True, refusal='No.'),
    choice('none', None, '{"a":' + ' ' * 300, False, True, salvage('runaway', 1, [''], '{}'), index=1)],
    None, serror('runaway_whitespace', 'runaway in the content of choice 1 (text offset 5)', off,
                 d[:off].count(b'\n') + 1, 1)))
case('openai-empty.sse', 5, report('openai', 'ok', 4, [choice('stop', 'stop', '', True)], usage(5, 0, 5)))
case('responses-failed.sse', 6, report('responses', 'provider_error', 4, [
    choice('error', 'failed', 'Work', False)], None,
    perror('responses-failed.sse', 'event: response.failed', '', 'server_error',
           'The server had an error while processing your request.')))
case('responses-content-filter.sse', 9, report('responses', 'ok', 4, [
    choice('content_filter', 'content_filter', 'Step one:', False)], usage(8, 3, 11)))
case('gemini-safety.sse', 9, report('gemini', 'ok', 2, [
    choice('content_filter', 'SAFETY', 'To make it,', False)], usage(7, 3, 10)))
case('gemini-error.sse', 6, report('gemini', 'provider_error', 2, [
    choice('error', None, 'Sure,', False)], usage(5, 1, 6),
    perror('gemini-error.sse', 'data: {"error"', 'UNAVAILABLE', '503',
           'The model is overloaded. Please try again later.')))
case('gemini-malformed-call.sse', 6, report('gemini', 'ok', 1, [
    choice('error', 'MALFORMED_FUNCTION_CALL', '', False)], usage(12, 0, 12)))

# ---- no stream at all: said at the first byte of the line that shows it -------
NOT_SSE = ('not an SSE or NDJSON stream: this line is neither an SSE field (data:, event:, id:, '
           'retry:) nor a comment')
NOT_OLLAMA = ("not an SSE or NDJSON stream: this line starts with '{' but is no Ollama event (a JSON "
              "document?)")
for name, msg in [('noise-object.json', NOT_OLLAMA), ('noise-pretty.json', NOT_OLLAMA),
                  ('gemini-no-sse.json', NOT_SSE), ('noise-hello.txt', NOT_SSE),
                  ('noise-html.txt', NOT_SSE), ('noise-random.bin', NOT_SSE)]:
    case(name, 3, report('auto', 'not_a_stream', 0, [], None,
                         serror('not_a_stream', msg, 0, 1, 1)))

# ---- 2026 APIs: reasoning, tool-call shapes, provider quirks (see gen.py) --------------
case('openai-reasoning.sse', 0, report('openai', 'ok', 9, [
    choice('stop', 'stop', '{"ok":true}', True, True, complete('{"ok":true}'),
           reasoning=reasoning('Need a JSON object.'))], usage(5, 9, 14, None, 4)))
case('openai-tool-quirks.sse', 0, report('openai', 'ok', 5, [
    choice('tool_calls', 'tool_calls', '', True, tools=[
        tool(0, 'call_n', 'search', '{"q":"x"}', True, complete('{"q":"x"}')),
        tool(1, 'call_e', 'now', '{}', True, complete('{}'))])]))
case('mistral-thinking.sse', 0, report('openai', 'ok', 6, [
    choice('stop', 'stop', 'Partial.', True, reasoning=reasoning('First. Second.'))]))
case('responses-reasoning.sse', 0, report('responses', 'ok', 12, [
    choice('stop', 'completed', '4', True, reasoning=reasoning('**Plan**\n\nAdd.', None, 1))],
    usage(6, 30, 36, None, 29)))
def event_at(name, needle, event):
    '''offset, line, column of the `event:` line of the event holding needle.'''
    d = raw(name)
    i = d.rindex(('event: ' + event).encode(), 0, d.index(needle.encode()))
    return {'offset': i, 'line': d[:i].count(b'\n') + 1, 'column': 1}
F = '{"a":[1,'
E = event_at('responses-failed-length.sse', '"type":"response.failed"', 'response.failed')
# failed, cut by the token limit: the text is truncated, the verdict the
# provider's error (6 before 2)
case('responses-failed-length.sse', 6, report('responses', 'provider_error', 4, [
    choice('length', 'max_output_tokens', F, False, True,
           salvage('truncated', 7, ['/a', ''], '{"a":[1]}'))], None,
    dict({'status': 'provider_error', 'type': '', 'code': 'server_error',
          'message': 'response failed'}, **E)))
case('anthropic-thinking.sse', 0, report('anthropic', 'ok', 13, [
    choice('stop', 'end_turn', 'Done.', True,
           reasoning=reasoning('Two steps.', 'EqQBCg==', 1))], AU(20)))
case('anthropic-whole-input.sse', 0, report('anthropic', 'ok', 7, [
    choice('tool_calls', 'tool_use', '', True, tools=[
        tool(0, 'toolu_m', 'roll', '{"sides":6}', True, complete('{"sides":6}')),
        tool(1, 'toolu_w', 'query', '{"sql":"SELECT 1"}', True, complete('{"sql":"SELECT 1"}')),
        tool(2, 'toolu_e', 'refresh', '{}', True, complete('{}'))])], AU(12)))
E = event_at('anthropic-spliced.sse', '"id":"msg_a2"', 'message_start')
# the stream's error (two responses spliced together) is the provider's: 6
case('anthropic-spliced.sse', 6, report('anthropic', 'provider_error', 9, [
    choice('error', None, 'Hel', False)], AU(1),
    dict({'status': 'provider_error', 'type': 'invalid_stream', 'code': '',
          'message': 'a message_start while a message is open: the stream holds two responses '
                     'spliced together'}, **E)))
case('anthropic-two-messages.sse', 0, report('anthropic', 'ok', 12, [
    choice('tool_calls', 'end_turn', 'Noon.', True, tools=[
        tool(0, 'toolu_1', 'clock', '{"tz":"UTC"}', True, complete('{"tz":"UTC"}'))])], AU(4)))
case('gemini-thought.sse', 0, report('gemini', 'ok', 3, [
    choice('stop', 'STOP', 'Jupiter.', True, reasoning=reasoning('Compare sizes.', 'CiQB'))],
    usage(4, 2, 6)))
case('ollama-thinking.ndjson', 0, report('ollama', 'ok', 4, [
    choice('stop', 'stop', 'Hi!', True, reasoning=reasoning('Say hi.'))], usage(14, 6)))

# ---- client tools other than functions, server tools, extras (see gen.py) -------------
A = lambda s: complete(s)
case('responses-client-tools.sse', 0, report('responses', 'ok', 19, [
    choice('tool_calls', 'completed', '', True, tools=[
        tool(0, 'call_c', 'sql', 'SELECT "a{" FROM t', True, None, type_='custom',
             text_input=True),
        tool(1, 'call_l', 'local_shell', '{"type":"exec","command":["ls","-a"],"env":{}}', True,
             A('{"type":"exec","command":["ls","-a"],"env":{}}'), type_='local_shell'),
        tool(2, 'call_s', 'shell', '{"commands":["pwd"],"timeout_ms":null,"max_output_length":4096}',
             True, A('{"commands":["pwd"],"timeout_ms":null,"max_output_length":4096}'),
             type_='shell'),
        tool(3, 'call_p', 'apply_patch', '{"type":"create_file","path":"a.md","diff":"+hi\\n"}',
             True, A('{"type":"create_file","path":"a.md","diff":"+hi\\n"}'),
             type_='apply_patch')])], usage(30, 20, 50)))
case('responses-server-tools.sse', 0, report('responses', 'ok', 18, [
    choice('stop', 'completed', 'News.', True, extras={
        'logprobs': [{'token': 'News', 'logprob': -0.5, 'top_logprobs': []},
                     {'token': '.', 'logprob': -0.25, 'top_logprobs': []}],
        'citations': [cite('url_citation', 'https://ex.com/n', 'N'),
                      cite('file_citation', 'file-1', 'a.pdf')],
        'server_tools': [
            server('web_search_call', '', 'ws_1', '{"type":"search","query":"llm news"}', 'completed'),
            server('file_search_call', '', 'fs_1', '["q1"]', 'completed'),
            server('mcp_call', 'echo', 'mcp_1', '{"m":1}', 'completed'),
            server('shell_call', '', 'sh_c', '{"commands":["uname"]}', 'completed'),
            server('shell_call_output', '', 'sho_c', '', 'completed')]})],
    usage(9, 2, 11), tier='flex'))
# pause_turn: the turn goes on in a later request: its text did not end normally
case('anthropic-server-tools.sse', 2, report('anthropic', 'ok', 19, [
    choice('pause_turn', 'pause_turn', 'A fact.', False, extras={
        'citations': [cite('web_search_result_location', 'https://ex.com/a', 'A')],
        'server_tools': [
            server('server_tool_use', 'web_search', 'srvtoolu_1', '{"query":"llm"}', 'completed',
                   'web_search_tool_result'),
            server('mcp_tool_use', 'echo', 'mcptoolu_1', '{"m":"hi"}', 'error', 'mcp_tool_result'),
            server('server_tool_use', 'web_fetch', 'srvtoolu_2', '{}', 'in_progress')]})],
    AU(40), tier='standard'))
case('anthropic-stop-sequence.sse', 0, report('anthropic', 'ok', 6, [
    choice('stop', 'stop_sequence', 'One, two', True, extras={'stop_sequence': '###'})], AU(3)))
case('openai-logprobs.sse', 0, report('openai', 'ok', 5, [
    choice('stop', 'stop', 'Hi!', True, extras={'logprobs': [
        {'token': 'Hi', 'logprob': -0.125, 'bytes': [72, 105], 'top_logprobs': []},
        {'token': '!', 'logprob': -1.5, 'bytes': [33], 'top_logprobs': []}]})], tier='default'))
case('perplexity-citations.sse', 0, report('openai', 'ok', 4, [
    choice('stop', 'stop', 'Two facts.', True, extras={'citations': [
        cite('url', 'https://ex.com/1'), cite('url', 'https://ex.com/2')]})]))
case('gemini-compat-signature.sse', 0, report('openai', 'ok', 3, [
    choice('tool_calls', 'tool_calls', '', True, tools=[
        tool(0, 'call_g', 'f', '{"x":1}', True, complete('{"x":1}'), signature='c2lnX2E=')])]))

def dump(o):
    return json.dumps(o, ensure_ascii=False, separators=(',', ':'))

with open(os.path.join(HERE, 'MANIFEST'), 'w') as m:
    m.write('# NAME EXIT REPORT [ARGS...]: `llmjson replay --report ARGS NAME` prints REPORT,\n'
            '# exits EXIT. Written by expect.py from hand-written values.\n')
    for name, exit_, rname, rep, args in CASES:
        with open(os.path.join(HERE, rname), 'w') as f:
            f.write(dump(rep) + '\n')
        m.write(' '.join([name, str(exit_), rname] + args) + '\n')
print(len(CASES), 'cases')
