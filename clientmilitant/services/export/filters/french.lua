--[[ french.lua — French typography on pandoc's document tree (cm passes it when the book's lang starts with `fr`).

It must run after filters/chapters.lua, which reads the chapters in: before that, their text is code.

What it does, on the tree's inline elements (never on the Markdown source):
  - U+202F (narrow no-break space) before ; ! ? and », after «; U+00A0 (no-break space) before : ;
  - straight double quotes, which pandoc's `smart` extension reads as Quoted DoubleQuote, become
    « … » with their U+202F inside. A quotation inside a quotation (or inside « » the author typed)
    becomes “ … ”, the French second level, without inner spaces; so does a single-quoted 'mot'
    (‘ ’ are not French marks). Apostrophes stay as the reader made them: l'entreprise → l’entreprise.
    Curly quotes the author typed himself (“ ” ‘ ’) are his choice and stay;
  - the author may glue the mark (`Vraiment?`, `«Bonjour»`) or type a space (`dit :`, `« Bonjour »`,
    even a line break of the source): either way exactly one no-break space of the right width ends
    up there. A typed space becomes that no-break space; a U+00A0, U+202F or thin space already there
    is set to the right width, never doubled, so running the filter twice changes nothing;
  - ?! !! ?? take one space before the group, none inside (a space typed between them goes). An
    ellipsis stays glued to its word and a ? or ! after it takes its own space: `Vraiment...?` →
    `Vraiment… ?` (no space may stand before an ellipsis in French);
  - marks are seen through emphasis, links and spans: `*vraiment*?` → `*vraiment* ?`.

What it leaves alone:
  - Code, CodeBlock, RawInline, RawBlock, Math, citations, link targets and every attribute;
  - autolinks `<http://x.org/a?b=c>` (their text is the address), and anything inside a Div or
    Span whose `lang` is not French;
  - a mark glued to what follows is not punctuation: times and ratios (14:22, 3:2), addresses
    (http://, mailto:x, a?b=c in a bare URL), `dit:bonjour`. A mark is punctuation only when a space,
    the end, a footnote or another punctuation or closing mark follows it;
  - emoticons ;-) :-) ;) :) :D are not punctuation: they stay as typed, the space before included;
  - metadata other than the book's prose fields (title, subtitle, author, …).

How, and why so: reading a field of an element from Lua is a trip into pandoc's Haskell, and a Lua
walk over every inline list of a 100,000-word book nearly doubled the CPU time of its EPUB export.
So the blocks are written once as pandoc JSON (one RawBlock mark before each top-level block),
scanned once in Lua — only the Str, Space, SoftBreak and LineBreak objects are tokens, every other
object and all attribute, code and URL strings are left byte for byte — and only the top-level
blocks that changed are read back, in one pandoc.read. The JSON is pandoc's own
(`{"t":"Str","c":"…"}`), and `{"t":"` can only open an element: inside a JSON string its quotes
would be escaped. On that book the filter costs about a fifth of pandoc's own EPUB time.
]]

local NNBSP = '\u{202F}'
local NBSP = '\u{A0}'
local OPEN_GUILLEMET = '«'
local CLOSE_GUILLEMET = '»'

-- a Str holding none of these bytes has nothing to typeset (194 = 0xC2, lead byte of « » U+00A0)
local CANDIDATE = '[;:!?\194]'

-- spaces that may already stand where a no-break space belongs: replaced, never doubled
local SPACE_CHARS = {
  [' '] = true, ['\t'] = true, ['\u{A0}'] = true, ['\u{202F}'] = true, ['\u{2009}'] = true,
  ['\u{2008}'] = true, ['\u{200A}'] = true, ['\u{2006}'] = true, ['\u{2007}'] = true,
  ['\u{2005}'] = true, ['\u{2004}'] = true,
}

-- after these a mark is sentence punctuation (so are spaces, the end of the text and footnotes)
local FOLLOWERS = {
  ['.'] = true, [','] = true, [';'] = true, [':'] = true, ['!'] = true, ['?'] = true,
  ['…'] = true, [')'] = true, [']'] = true, ['}'] = true, ['»'] = true, ['«'] = true,
  ['"'] = true, ["'"] = true, ['”'] = true, ['“'] = true, ['’'] = true,
}

-- `:)` `;)` `:]` are emoticons, not a colon closing a parenthesis
local EMOTICON_CLOSERS = { [')'] = true, [']'] = true }

-- no space between these and a following mark: `(?)`, `?!`, `!!`
local NO_SPACE_AFTER = {
  ['('] = true, ['['] = true, ['{'] = true, ['“'] = true, ['‘'] = true,
  [';'] = true, [':'] = true, ['!'] = true, ['?'] = true,
}

-- the metadata fields that are prose, typeset like the text
local PROSE_METADATA = {
  'title', 'subtitle', 'author', 'editor', 'translator', 'publisher', 'rights', 'description',
  'abstract', 'subject', 'dedication', 'toc-title',
}

-- Block elements: each inline list inside one is its own text (a mark never looks across them).
local BLOCKS = {
  Para = true, Plain = true, Header = true, CodeBlock = true, RawBlock = true, BlockQuote = true,
  OrderedList = true, BulletList = true, DefinitionList = true, HorizontalRule = true, Table = true,
  Figure = true, Div = true, LineBlock = true,
}

-- Inline elements that stand for a word as far as spacing goes; their strings are never touched.
local OPAQUE = { Code = true, Math = true, RawInline = true }

-- Characters. A token's text is JSON-escaped: `\"` ends with `"`, `\\` with `\`, so a last
-- character read on the escaped text is right; a first one needs the escape decoded.

local function char_length(byte)
  if byte < 0x80 then
    return 1
  elseif byte >= 0xF0 then
    return 4
  elseif byte >= 0xE0 then
    return 3
  end
  return 2
end

local function char_at(text, position)
  local byte = text:byte(position)
  if byte == 92 then -- backslash: a JSON escape
    local escaped = text:sub(position + 1, position + 1)
    return escaped == '"' and '"' or escaped == '\\' and '\\' or 'a'
  end
  return text:sub(position, position + char_length(byte) - 1)
end

local function last_char(text)
  local start = #text
  while start > 1 do
    local byte = text:byte(start)
    if byte < 0x80 or byte >= 0xC0 then
      break
    end
    start = start - 1
  end
  return text:sub(start)
end

local function is_space_char(char)
  return SPACE_CHARS[char] == true
end

-- `text` without the spaces at its end
local function strip_trailing_spaces(text)
  while text ~= '' do
    local char = last_char(text)
    if not is_space_char(char) then
      break
    end
    text = text:sub(1, #text - #char)
  end
  return text
end

-- the position of the first non-space character of `text` from `position` on
local function skip_spaces(text, position)
  while position <= #text do
    local char = char_at(text, position)
    if not is_space_char(char) then
      break
    end
    position = position + #char
  end
  return position
end

local function is_blank_text(text)
  return skip_spaces(text, 1) > #text
end

-- whether a mark followed by `next_char` is punctuation (else: a time, an address, an emoticon)
local function is_punctuation(mark, next_char)
  if next_char == '' or next_char == '\n' or is_space_char(next_char) then
    return true
  end
  if (mark == ':' or mark == ';') and EMOTICON_CLOSERS[next_char] then
    return false
  end
  return FOLLOWERS[next_char] == true
end

-- whether a space goes between `previous_char` (nil: nothing before) and `mark`; a » always
-- takes its space, even after ? or ! (`« Vraiment ? »`)
local function wants_space(previous_char, mark)
  if previous_char == nil or previous_char == '\n' then
    return false
  end
  return mark == CLOSE_GUILLEMET or not NO_SPACE_AFTER[previous_char]
end

-- Reading pandoc's JSON.

local TOKEN = '{"t":"'
local STR_START = '{"t":"Str","c":"'
local QUOTE_TYPE_LENGTH = #'{"t":"DoubleQuote"}' -- SingleQuote has as many letters

local function json_str(text)
  return STR_START .. text .. '"}'
end

-- the position of the quote that closes the JSON string whose text starts at `start`
local function string_end(json, start)
  local quote = json:find('"', start, true)
  while true do
    local before = quote - 1
    while json:byte(before) == 92 do
      before = before - 1
    end
    if (quote - 1 - before) % 2 == 0 then
      return quote
    end
    quote = json:find('"', quote + 1, true)
  end
end

-- the position of the bracket or brace that closes the array or object opening at `start`
local function value_end(json, start)
  local depth = 0
  local position = start
  while true do
    local found = json:find('[%[%]{}"]', position)
    local byte = json:byte(found)
    if byte == 34 then
      position = string_end(json, found + 1) + 1
    elseif byte == 91 or byte == 123 then
      depth = depth + 1
      position = found + 1
    else
      depth = depth - 1
      if depth == 0 then
        return found
      end
      position = found + 1
    end
  end
end

-- an attribute `["id",["class",…],[["key","value"],…]]` starting at `start`: its end, its classes
-- and its key-values as JSON text
local function read_attr(json, start)
  local finish = value_end(json, start)
  local id_end = string_end(json, start + 2)
  local classes_end = value_end(json, id_end + 2)
  return finish, json:sub(id_end + 2, classes_end), json:sub(classes_end + 2, finish - 1)
end

local function is_french(lang)
  return lang == nil or lang == '' or lang:lower():match('^fr') ~= nil
end

local function attr_is_foreign(key_values)
  local lang = key_values:match('%["lang","([^"]*)"%]')
  return not is_french(lang)
end

-- Typesetting one text: its tokens are the leaves of one block's inline lists, in order, with
-- emphasis, links and spans seen through. Token i has kinds[i]: 'str', 'space' (Space,
-- SoftBreak), 'break' (LineBreak), 'word' (code, math…), 'note' or 'gone'; firsts[i] and
-- lasts[i], where its object lies in the JSON; for a Str, text_firsts[i] and text_lasts[i], its
-- JSON-escaped text, read from the JSON only when needed (texts[i]). A book has a few hundred
-- thousand tokens: parallel arrays, reused from one text to the next, and no string is made for
-- a token that does not change. Changes go to `edits`, keyed by where the object starts.

local function new_text()
  return {
    count = 0, kinds = {}, texts = {}, firsts = {}, lasts = {}, text_firsts = {}, text_lasts = {},
    befores = {}, afters = {}, candidates = {},
  }
end

local function typeset_text(json, text, edits)
  local kinds, texts, firsts, lasts = text.kinds, text.texts, text.firsts, text.lasts
  local text_firsts, text_lasts, befores, afters = text.text_firsts, text.text_lasts, text.befores, text.afters
  local count = text.count

  local function text_of(token)
    local value = texts[token]
    if value == nil then
      value = json:sub(text_firsts[token], text_lasts[token])
      texts[token] = value
    end
    return value
  end

  local function set_text(token, value)
    texts[token] = value
    if value == '' then
      kinds[token] = 'gone'
      edits[firsts[token]] = { last = lasts[token], remove = true }
    else
      kinds[token] = 'str'
      local json_text = (befores[token] or '') .. json_str(value) .. (afters[token] or '')
      edits[firsts[token]] = { last = lasts[token], text = json_text }
    end
  end

  local function is_spacing(token)
    local kind = kinds[token]
    return kind == 'space' or (kind == 'str' and is_blank_text(text_of(token)))
  end

  local function is_skipped(token)
    local kind = kinds[token]
    return kind == 'gone' or (kind == 'str' and text_firsts[token] and text_firsts[token] > text_lasts[token])
  end

  -- the first character after token `index`
  local function next_char_after(index)
    for token = index + 1, count do
      if not is_skipped(token) then
        local kind = kinds[token]
        if kind == 'str' then
          return char_at(text_of(token), 1)
        elseif kind == 'space' then
          return ' '
        elseif kind == 'break' then
          return '\n'
        elseif kind == 'note' then
          return ''
        end
        return 'a'
      end
    end
    return ''
  end

  -- The spacing tokens right before token `index` (typed spaces, or strings of spaces), and the
  -- character before them: nil at the start of the text. The word's own trailing spaces are cut.
  local function spacing_before(index)
    local spacing = {}
    for token = index - 1, 1, -1 do
      if not is_skipped(token) then
        if is_spacing(token) then
          table.insert(spacing, 1, token)
        else
          local kind = kinds[token]
          if kind == 'str' then
            local value = text_of(token)
            local stripped = strip_trailing_spaces(value)
            if stripped ~= value then
              set_text(token, stripped)
            end
            return spacing, last_char(stripped)
          elseif kind == 'break' then
            return spacing, '\n'
          end
          return spacing, 'a'
        end
      end
    end
    return spacing, nil
  end

  -- the spacing tokens made into the one `space` wanted (or none), never doubled
  local function settle(spacing, space)
    for position, token in ipairs(spacing) do
      if position == 1 and space then
        set_text(token, space)
      else
        set_text(token, '')
      end
    end
  end

  -- after a « that ends its Str: the spaces up to the quotation's first word become one U+202F
  local function space_after_guillemet(index, parts)
    local spacing = {}
    local token = index + 1
    while token <= count and (is_skipped(token) or is_spacing(token)) do
      if not is_skipped(token) then
        spacing[#spacing + 1] = token
      end
      token = token + 1
    end
    if token > count or kinds[token] == 'break' then
      return
    end
    if kinds[token] == 'str' then
      local value = text_of(token)
      local start = skip_spaces(value, 1)
      if start > 1 then
        set_text(token, value:sub(start))
      end
    end
    if #spacing > 0 then
      settle(spacing, NNBSP)
    else
      parts[#parts + 1] = NNBSP
    end
  end

  local function typeset_str(index)
    local value = text_of(index)
    local parts = {}
    local copied = 1 -- the text before this position is in parts
    local position = value:find(CANDIDATE)
    while position do
      local byte = value:byte(position)
      local mark = nil
      if byte == 0xC2 then
        local second = value:byte(position + 1)
        if second == 0xAB then
          mark = OPEN_GUILLEMET
        elseif second == 0xBB then
          mark = CLOSE_GUILLEMET
        end
      else
        mark = string.char(byte)
      end
      local after = position + (mark and #mark or 1)

      if mark == OPEN_GUILLEMET then
        parts[#parts + 1] = value:sub(copied, after - 1)
        copied = skip_spaces(value, after)
        after = copied
        if copied <= #value then
          parts[#parts + 1] = NNBSP
        else
          space_after_guillemet(index, parts)
        end
      elseif mark then
        local next_char
        if after <= #value then
          next_char = char_at(value, after)
        else
          next_char = next_char_after(index)
        end
        if mark == CLOSE_GUILLEMET or is_punctuation(mark, next_char) then
          local space = mark == ':' and NBSP or NNBSP
          local before = strip_trailing_spaces(value:sub(copied, position - 1))
          if before ~= '' then
            parts[#parts + 1] = before
          end
          -- what comes before the mark: this string's own text, or the tokens before it
          local previous_char
          for part = #parts, 1, -1 do
            local stripped = strip_trailing_spaces(parts[part])
            parts[part] = stripped
            if stripped ~= '' then
              previous_char = last_char(stripped)
              break
            end
          end
          if previous_char then
            if wants_space(previous_char, mark) then
              parts[#parts + 1] = space
            end
          else
            local spacing
            spacing, previous_char = spacing_before(index)
            if not wants_space(previous_char, mark) then
              settle(spacing, nil)
            elseif #spacing > 0 then
              settle(spacing, space)
            else
              parts[#parts + 1] = space
            end
          end
          parts[#parts + 1] = mark
          copied = after
        end
      end
      position = value:find(CANDIDATE, after)
    end
    if copied > 1 then
      parts[#parts + 1] = value:sub(copied)
      local typeset = table.concat(parts)
      if typeset ~= value or edits[firsts[index]] then
        set_text(index, typeset)
      end
    end
  end

  for _, index in ipairs(text.candidates) do
    if kinds[index] == 'str' then
      typeset_str(index)
    end
  end
end

-- The JSON from `first` to `last` with its edits made: `starts` holds where the edits begin, sorted,
-- and those of this stretch from `starts[next_edit]` on. Unchanged stretches are copied whole. A
-- token removed takes with it the comma before it, or the one after it when it came first in its
-- list. Returns the text and the index of the first edit after `last`.
local function apply_edits(json, edits, starts, next_edit, first, last)
  local output = {}
  local copied = first
  while starts[next_edit] and starts[next_edit] <= last do
    local start = starts[next_edit]
    local edit = edits[start]
    next_edit = next_edit + 1
    if start > copied then
      output[#output + 1] = json:sub(copied, start - 1)
    end
    copied = edit.last + 1
    if edit.remove then
      local previous = output[#output]
      if previous and previous:sub(-1) == ',' then
        output[#output] = previous:sub(1, -2)
      elseif json:byte(copied) == 44 then -- ','
        copied = copied + 1
      end
    else
      output[#output + 1] = edit.text
    end
  end
  output[#output + 1] = json:sub(copied, last)
  return table.concat(output), next_edit
end

-- The edits French typography makes to a document's JSON: one scan, token by token.
local function typeset_json(json)
  local edits = {}
  local text = new_text()
  local interrupted = {} -- the texts a footnote interrupts
  local events = {} -- ends of quotations and footnotes ahead, the nearest on top
  local quote_depth = 0
  local guillemets = 0 -- « the author typed in this text and has not closed yet
  local search = 1
  local find, sub, byte = string.find, string.sub, string.byte

  -- the current text's arrays, in locals: the loop below runs once per token of the book
  local kinds, firsts, lasts, text_firsts, text_lasts, count
  local function use(new)
    text = new
    kinds, firsts, lasts = text.kinds, text.firsts, text.lasts
    text_firsts, text_lasts, count = text.text_firsts, text.text_lasts, text.count
  end
  use(text)

  local function leaf(kind, first, last)
    count = count + 1
    text.count = count
    kinds[count], firsts[count], lasts[count] = kind, first, last
    return count
  end

  -- a Str standing for a quotation mark, in place of the JSON between `first` and `last`
  local function quote_mark(mark, first, last, before, after)
    local token = leaf('str', first, last)
    text_firsts[token] = nil
    text.texts[token] = mark
    text.befores[token] = before
    text.afters[token] = after
    text.candidates[#text.candidates + 1] = token
    edits[first] = { last = last, text = before .. json_str(mark) .. after }
  end

  local function end_text()
    text.count = count
    if #text.candidates > 0 then
      typeset_text(json, text, edits)
      use(new_text())
    else
      count = 0
      text.count = 0
    end
    guillemets = 0
  end

  while true do
    local start = find(json, TOKEN, search, true)
    -- the fast way for the two commonest tokens: a Str without mark nor escape, a Space
    while start do
      if byte(json, start + 6) ~= 83 or (#events > 0 and events[#events].at < start) then -- 'S'
        break
      end
      if byte(json, start + 9) == 34 and byte(json, start + 7) == 116 then -- `Str"`
        local _, quote = find(json, '^[^"\\;:!?\194]*"', start + 16)
        if not quote then
          break
        end
        count = count + 1
        kinds[count], firsts[count], lasts[count] = 'str', start, quote + 1
        text_firsts[count], text_lasts[count] = start + 16, quote - 1
        search = quote + 2
      elseif sub(json, start + 6, start + 12) == 'Space"}' then
        count = count + 1
        kinds[count], firsts[count], lasts[count] = 'space', start, start + 12
        search = start + 13
      else
        break
      end
      start = find(json, TOKEN, search, true)
    end
    text.count = count
    while #events > 0 and (not start or events[#events].at < start) do
      local event = table.remove(events)
      if event.kind == 'quote' then
        -- `]]}` closes the quotation's content, its `c` and the Quoted object itself
        quote_mark(event.close, event.at, event.at + 2, event.filled and ',' or '', '')
        quote_depth = quote_depth - 1
      else -- the end of a footnote: back to the text around it
        end_text()
        use(table.remove(interrupted))
        leaf('note', event.at, event.at)
      end
      if event.at > search then
        search = event.at
      end
      start = find(json, TOKEN, search, true)
    end
    if not start then
      break
    end

    local tag_end = find(json, '"', start + 6, true)
    local tag = sub(json, start + 6, tag_end - 1)
    search = tag_end + 1
    if tag == 'Str' then
      local text_first = start + 16
      -- the fast way: no mark, no escape, the text ends at the first quote
      local _, quote = find(json, '^[^"\\;:!?\194]*"', text_first)
      local candidate = false
      if not quote then
        quote = string_end(json, text_first)
        local value = sub(json, text_first, quote - 1)
        if find(value, CANDIDATE) then
          candidate = true
          if find(value, '\194', 1, true) then
            local _, opened = value:gsub(OPEN_GUILLEMET, '')
            local _, closed = value:gsub(CLOSE_GUILLEMET, '')
            guillemets = guillemets + opened - closed
          end
        end
      end
      local token = leaf('str', start, quote + 1)
      text_firsts[token], text_lasts[token] = text_first, quote - 1
      if candidate then
        text.candidates[#text.candidates + 1] = token
      end
      search = quote + 2
    elseif tag == 'Space' or tag == 'SoftBreak' or tag == 'LineBreak' then
      leaf(tag == 'LineBreak' and 'break' or 'space', start, tag_end + 1)
      search = tag_end + 2
    elseif tag == 'Quoted' then
      local type_start = tag_end + 7 -- past `","c":[`
      local single = sub(json, type_start, type_start + QUOTE_TYPE_LENGTH - 1) == '{"t":"SingleQuote"}'
      local content_start = type_start + QUOTE_TYPE_LENGTH + 1
      local content_end = value_end(json, content_start)
      local open, close = '“', '”'
      if not (single or quote_depth > 0 or guillemets > 0) then
        open, close = OPEN_GUILLEMET, CLOSE_GUILLEMET
      end
      local filled = content_end > content_start + 1
      quote_mark(open, start, content_start, '', filled and ',' or '')
      events[#events + 1] = { kind = 'quote', at = content_end, close = close, filled = filled }
      quote_depth = quote_depth + 1
      search = content_start + 1
    elseif tag == 'Note' then
      text.count = count
      interrupted[#interrupted + 1] = text
      use(new_text())
      events[#events + 1] = { kind = 'note', at = value_end(json, start) }
    elseif OPAQUE[tag] then
      leaf('word', start, start)
    elseif tag == 'Cite' then -- citations are left as they are, prefixes and all
      leaf('word', start, start)
      search = value_end(json, start) + 1
    elseif tag == 'Link' or tag == 'Span' or tag == 'Div' then
      if tag == 'Div' then
        end_text()
      end
      local attr_end, classes, key_values = read_attr(json, tag_end + 7)
      local autolink = tag == 'Link' and (classes:find('"uri"', 1, true) or classes:find('"email"', 1, true))
      if autolink or attr_is_foreign(key_values) then
        if tag ~= 'Div' then
          leaf('word', start, start)
        end
        search = value_end(json, start) + 1
      else
        search = attr_end + 1
      end
    elseif BLOCKS[tag] then
      end_text()
    end
    -- anything else (Emph, Strong, Image, DoubleQuote, AlignDefault…) is structure, copied as is
  end
  end_text()
  return edits
end

-- Marks each top-level block's start in the JSON, so that only the blocks that change are read back.
local BLOCK_MARK = '{"t":"RawBlock","c":["cm-french-block",""]},'

-- Blocks with French typography: the blocks that change are new, the others the same objects.
local function typeset_blocks(blocks)
  local marked = {}
  for index, block in ipairs(blocks) do
    marked[2 * index - 1] = pandoc.RawBlock('cm-french-block', '')
    marked[2 * index] = block
  end
  local json = pandoc.write(pandoc.Pandoc(marked), 'json')
  local edits = typeset_json(json)
  local starts = {}
  for start in pairs(edits) do
    starts[#starts + 1] = start
  end
  if #starts == 0 then
    return blocks
  end
  table.sort(starts)

  -- where each block lies in the JSON: from after its mark to before the next one's comma
  local firsts, lasts = {}, {}
  local mark = json:find(BLOCK_MARK, 1, true)
  for index = 1, #blocks do
    firsts[index] = mark + #BLOCK_MARK
    mark = json:find(BLOCK_MARK, firsts[index], true)
    lasts[index] = mark and mark - 2 or #json - 2 -- before `,` or the final `]}`
  end
  local changed, changed_json = {}, {}
  local edit = 1
  for index = 1, #blocks do
    while starts[edit] and starts[edit] < firsts[index] do
      edit = edit + 1
    end
    if starts[edit] and starts[edit] <= lasts[index] then
      changed[#changed + 1] = index
      changed_json[#changed_json + 1], edit = apply_edits(json, edits, starts, edit, firsts[index], lasts[index])
    end
  end
  local head = json:sub(1, json:find('"blocks":[', 1, true) + #'"blocks":[' - 1)
  local typeset = pandoc.read(head .. table.concat(changed_json, ',') .. ']}', 'json').blocks
  local result = {}
  for index, block in ipairs(blocks) do
    result[index] = block
  end
  for position, index in ipairs(changed) do
    result[index] = typeset[position]
  end
  return pandoc.Blocks(result)
end

-- the prose fields of the metadata typeset, the others (identifier, date, files) untouched
local function typeset_metadata(meta)
  local function typeset_value(value)
    local kind = pandoc.utils.type(value)
    if kind == 'Inlines' then
      local blocks = typeset_blocks({ pandoc.Plain(value) })
      return blocks[1] and blocks[1].content or value
    elseif kind == 'Blocks' then
      return typeset_blocks(value)
    elseif kind == 'List' then
      return value:map(typeset_value)
    elseif kind == 'table' and value.text ~= nil then -- an EPUB typed title: {type = 'main', text = …}
      value.text = typeset_value(value.text)
    end
    return value
  end
  for _, key in ipairs(PROSE_METADATA) do
    if meta[key] ~= nil then
      meta[key] = typeset_value(meta[key])
    end
  end
  return meta
end

-- numbers, ordinals, units and stray spaces: filters/french_words.lua, beside this file
local words = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE), 'french_words.lua' }))

function Pandoc(doc)
  local lang = doc.meta.lang and pandoc.utils.stringify(doc.meta.lang) or nil
  if not is_french(lang) then
    return nil
  end
  local meta = typeset_metadata(doc.meta)
  for _, key in ipairs(PROSE_METADATA) do
    if pandoc.utils.type(meta[key]) == 'Inlines' then
      meta[key] = words.inlines(meta[key])
    end
  end
  return pandoc.Pandoc(words.blocks(typeset_blocks(doc.blocks)), meta)
end
