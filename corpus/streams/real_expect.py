#!/usr/bin/env python3
"""Writes corpus/streams/real.expected: for every stream of
../shared/corpus-real, the texts and finish reasons a client must get, read
with this small decoder of our own (Python's json, the wire formats of docs/providers.md), not
with llmjson. One JSON object per line:
{"file","dialect","status","choices":[{"index","finish","content","refusal",
"tools":[{"name","arguments","complete"}]}]}
Usage: python3 corpus/streams/real_expect.py [CORPUS_REAL_DIR]"""
import json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', '..', 'shared', 'corpus-real')

def events(data):
    """(type, data) of each complete SSE event; data lines joined with LF."""
    text = data.decode('utf-8')
    if text.startswith('\ufeff'):
        text = text[1:]
    lines = re.split(r'\r\n|\r|\n', text)
    if not re.search(r'(\r\n|\r|\n)$', text):
        lines = lines[:-1]  # the input ended inside a line: dropped
    out, typ, buf = [], None, []
    for ln in lines:
        if ln == '':
            if buf:
                out.append((typ, '\n'.join(buf)))
            typ, buf = None, []
            continue
        if ln.startswith(':'):
            continue
        k, _, v = ln.partition(':')
        v = v[1:] if v.startswith(' ') else v
        if k == 'data':
            buf.append(v)
        elif k == 'event':
            typ = v
    if buf:
        out.append((typ, '\n'.join(buf)))
    return out

NORMAL = {'stop', 'tool_calls', 'refusal'}

class Choice:
    def __init__(self, index):
        self.index, self.content, self.refusal, self.finish = index, '', None, 'none'
        self.tools = {}   # key -> [name, args, ended]
        self.order = []

    def tool(self, key):
        if key not in self.tools:
            self.tools[key] = ['', '', False]
            self.order.append(key)
        return self.tools[key]

def openai_chat(evs):
    ch, err, done = {}, False, False
    for t, d in evs:
        if d == '[DONE]':
            done = True
            continue
        o = json.loads(d)
        if 'error' in o:
            err = True
        for i, c in enumerate(o.get('choices') or []):
            idx = c.get('index', i)
            x = ch.setdefault(idx, Choice(idx))
            delta = c.get('delta') or {}
            if isinstance(delta.get('content'), str):
                x.content += delta['content']
            if delta.get('refusal'):
                x.refusal = (x.refusal or '') + delta['refusal']
            for tc in delta.get('tool_calls') or []:
                tt = x.tool(tc['index'])
                f = tc.get('function') or {}
                if f.get('name') and not tt[0]:
                    tt[0] = f['name']
                tt[1] += f.get('arguments') or ''
            fr = c.get('finish_reason')
            if fr and x.finish == 'none':
                x.finish = {'stop': 'stop', 'length': 'length', 'tool_calls': 'tool_calls',
                            'content_filter': 'content_filter', 'function_call': 'tool_calls',
                            'error': 'error'}.get(fr, 'unknown')
    for x in ch.values():
        if x.finish == 'stop' and x.refusal:
            x.finish = 'refusal'
        elif x.finish == 'stop' and x.tools:
            x.finish = 'tool_calls'
        if x.finish == 'none' and err:
            x.finish = 'error'
        for tt in x.tools.values():
            tt[2] = x.finish in NORMAL
    return ch, err, done

def responses(evs):
    x, err, done = Choice(0), False, False
    seen = False
    items = {}
    for t, d in evs:
        o = json.loads(d)
        ty = o.get('type', t)
        if ty == 'response.output_text.delta':
            x.content += o['delta']; seen = True
        elif ty == 'response.refusal.delta':
            x.refusal = (x.refusal or '') + o['delta']; seen = True
        elif ty == 'response.output_item.added' and o['item'].get('type') == 'function_call':
            items[o['output_index']] = x.tool(o['output_index'])
            items[o['output_index']][0] = o['item']['name']; seen = True
        elif ty == 'response.function_call_arguments.delta':
            items[o['output_index']][1] += o['delta']
        elif ty in ('response.function_call_arguments.done',):
            items[o['output_index']][2] = True
        elif ty == 'error':
            err = True
        elif ty == 'response.completed':
            x.finish = 'tool_calls' if x.tools else 'stop'; done = True; seen = True
        elif ty == 'response.incomplete':
            r = (o['response'].get('incomplete_details') or {}).get('reason')
            x.finish = {'max_output_tokens': 'length', 'content_filter': 'content_filter'}.get(r, 'unknown')
            done = True; seen = True
        elif ty == 'response.failed':
            x.finish = 'error'; done = True; seen = True
    if x.finish == 'stop' and x.refusal:
        x.finish = 'refusal'
    return ({0: x} if seen else {}), err, done

def anthropic(evs):
    x, err, done, blocks = Choice(0), False, False, {}
    seen = False
    for t, d in evs:
        o = json.loads(d)
        ty = o.get('type', t)
        if ty == 'message_start':
            seen = True
        elif ty == 'content_block_start' and o['content_block']['type'] == 'tool_use':
            blocks[o['index']] = x.tool(o['index'])
            blocks[o['index']][0] = o['content_block']['name']
        elif ty == 'content_block_delta':
            dl = o['delta']
            if dl['type'] == 'text_delta':
                x.content += dl['text']
            elif dl['type'] == 'input_json_delta':
                blocks[o['index']][1] += dl['partial_json']
        elif ty == 'content_block_stop' and o['index'] in blocks:
            blocks[o['index']][2] = True
        elif ty == 'message_delta' and o['delta'].get('stop_reason'):
            x.finish = {'end_turn': 'stop', 'stop_sequence': 'stop', 'pause_turn': 'stop',
                        'max_tokens': 'length', 'tool_use': 'tool_calls',
                        'refusal': 'refusal'}.get(o['delta']['stop_reason'], 'unknown')
        elif ty == 'message_stop':
            done = True
        elif ty == 'error':
            err = True
    if x.finish in NORMAL:
        for tt in x.tools.values():
            tt[2] = True
    if x.finish == 'none' and err:
        x.finish = 'error'
    return ({0: x} if seen else {}), err, done

GFIN = {'STOP': 'stop', 'MAX_TOKENS': 'length', 'SAFETY': 'content_filter',
        'RECITATION': 'content_filter', 'BLOCKLIST': 'content_filter',
        'PROHIBITED_CONTENT': 'content_filter', 'SPII': 'content_filter',
        'IMAGE_SAFETY': 'content_filter', 'MALFORMED_FUNCTION_CALL': 'error'}

def gemini(evs):
    ch, err = {}, False
    for t, d in evs:
        o = json.loads(d)
        if 'error' in o:
            err = True
        if not o.get('candidates') and (o.get('promptFeedback') or {}).get('blockReason'):
            ch.setdefault(0, Choice(0)).finish = 'content_filter'
        for i, c in enumerate(o.get('candidates') or []):
            idx = c.get('index', i)
            x = ch.setdefault(idx, Choice(idx))
            for p in (c.get('content') or {}).get('parts') or []:
                if 'text' in p and not p.get('thought'):
                    x.content += p['text']
                fc = p.get('functionCall')
                if fc is None:
                    continue
                if 'partialArgs' in fc or fc.get('willContinue') or fc == {}:
                    # Vertex streamed arguments: rebuilt below from the leaves
                    if fc.get('name'):
                        cur = x.tool(len(x.order))
                        cur[0] = fc['name']
                        cur.append({})
                    for pa in fc.get('partialArgs') or []:
                        key = pa['jsonPath'][2:]
                        val = pa.get('stringValue', pa.get('numberValue', pa.get('boolValue')))
                        leaf = cur[3]
                        leaf[key] = (leaf.get(key, '') + val) if isinstance(val, str) else val
                    if fc == {} or ('partialArgs' in fc and not fc.get('willContinue') and not fc.get('name')):
                        pass
                    continue
                tt = x.tool(len(x.order))
                tt[0] = fc['name']
                # the bytes of args exactly as sent: found in the event text
                tt[1] = 'ARGS'
            if c.get('finishReason') and x.finish == 'none':
                x.finish = GFIN.get(c['finishReason'], 'unknown')
    for x in ch.values():
        if x.finish == 'stop' and x.tools:
            x.finish = 'tool_calls'
        if x.finish == 'none' and err:
            x.finish = 'error'
    return ch, err, True

def dump(path, ch, dialect, err, done, cut):
    name = os.path.basename(path)
    chs = []
    for idx in sorted(ch):
        x = ch[idx]
        tools = []
        for k in x.order:
            tt = x.tools[k]
            args = tt[1]
            if len(tt) > 3:   # Vertex: rebuilt as compact JSON from the leaves
                args = json.dumps(tt[3], separators=(',', ':'))
            tools.append({'name': tt[0], 'arguments': args,
                          'complete': bool(tt[2] or x.finish in NORMAL) and valid(args)})
        chs.append({'index': idx, 'finish': x.finish, 'content': x.content,
                    'refusal': x.refusal, 'tools': tools})
    status = 'error' if err else 'cut' if cut else 'ok' if done else 'truncated'
    return {'file': name, 'dialect': dialect, 'status': status, 'choices': chs}

def valid(s):
    try:
        json.loads(s)
        return True
    except ValueError:
        return False

def main():
    out = []
    for name in sorted(os.listdir(REAL)):
        if not name.endswith('.sse'):
            continue
        data = open(os.path.join(REAL, name), 'rb').read()
        evs = events(data)
        cut = not re.search(rb'(\r\n|\r|\n)$', data)
        first = evs[0]
        fo = json.loads(first[1])
        if first[0] and first[0].startswith('response'):
            ch, err, done = responses(evs); dialect = 'responses'
        elif first[0] == 'message_start' or fo.get('type') == 'message_start':
            ch, err, done = anthropic(evs); dialect = 'anthropic'
        elif 'candidates' in fo or 'promptFeedback' in fo:
            ch, err, done = gemini(evs); dialect = 'gemini'
        else:
            ch, err, done = openai_chat(evs); dialect = 'openai'
        rec = dump(name, ch, dialect, err, done, cut)
        # Gemini whole calls: the args value's bytes as sent
        if dialect == 'gemini':
            raw_args = re.findall(r'"args": (\{[^{}]*\})', data.decode())
            for c in rec['choices']:
                for t in c['tools']:
                    if t['arguments'] == 'ARGS':
                        t['arguments'] = raw_args.pop(0)
                        t['complete'] = True
        out.append(json.dumps(rec, ensure_ascii=False, separators=(',', ':')))
    with open(os.path.join(HERE, 'real.expected'), 'w') as f:
        f.write('\n'.join(out) + '\n')
    print(len(out), 'streams')

main()
