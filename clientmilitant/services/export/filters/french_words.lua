--[[ french_words.lua — the rest of French typography: numbers, ordinals, units, stray spaces.

Loaded by french.lua (which does the spaces around ; : ! ? « » and the quotes), run on the tree
after it; returns a module `{ blocks = function(blocks) … end }`. Rules from the *Lexique des règles
typographiques en usage à l'Imprimerie nationale*:
  - no space before . , ) … nor after ( : `réunions .` → `réunions.`, `( voir )` → `(voir)`;
  - after ; : ! ? a quotation opens with an ordinary space: `dit:"nous"` → `dit : « nous »`;
  - ordinals and centuries in superscript (pandoc Superscript elements, so that every writer sets
    them): 1er 1re 1ers 2e 2es 2d 2de, Ier XIXe; `2ème`, `XXème`, `1ère` are written 2e, XXe, 1re;
  - numbers of five digits or more in groups of three with U+202F (12 000, 1 234 567); a number
    typed `12 000` gets U+202F too; not a number starting with 0, nor a five-digit one before a
    capitalised word (a postcode: 75001 Paris), nor the decimals;
  - U+00A0 before % ‰ € $ £ and units (km, kg, h, min, °C…), after `p.` and `n°`, around the `h`
    of `10 h 30`; `3,5%` → `3,5 %`;
  - straight apostrophes between letters → ’, `...` → … (pandoc's smart reading does both already;
    text that did not go through it gets them too).
Never in code, math, raw HTML or URLs (autolinks, e-mail addresses), nor in a span or div in
another language: those are not Str elements, or are skipped whole.
]]

local NNBSP = '\u{202F}'
local NBSP = '\u{A0}'

-- units and symbols written after a number with a no-break space
local UNITS = {}
-- (not `a`, `A` nor `l`: « 12 a été », « 3 l’ont vu »)
for unit in ([[% ‰ € $ £ ¥ km m cm mm µm nm kg g mg t ml mL cl cL dl hl ha h min s ms km/h m/s
  °C °F ° m² m³ km² cm² Mo Go Ko ko To Mb Gb kb kWh Wh kW MW Hz kHz MHz GHz dB]]):gmatch('%S+') do
  UNITS[unit] = true
end
local SYMBOLS = { ['%'] = true, ['‰'] = true, ['€'] = true, ['$'] = true, ['£'] = true, ['¥'] = true }
-- the same as Lua patterns, one by one: a multi-byte character cannot stand in a [class]
local SYMBOL_PATTERNS = { '%%', '‰', '€', '%$', '£', '¥' }
local OPENING_QUOTES = { '«', '“' }

-- ordinal suffixes: what the author may type → what the book prints, for 1, for 2, for any number
local ORDINAL_ONE = {
  er = 'er', re = 're', ers = 'ers', res = 'res', ['ère'] = 're', ['ères'] = 'res', ere = 're', eres = 'res',
}
local ORDINAL_TWO = { nd = 'nd', nde = 'nde', nds = 'nds', ndes = 'ndes', d = 'd', de = 'de', ds = 'ds', des = 'des' }
local ORDINAL_ANY = { e = 'e', es = 'es', ['ème'] = 'e', ['èmes'] = 'es', ['ième'] = 'e', ['ièmes'] = 'es', eme = 'e' }

local function is_spacing(element)
  return element and (element.t == 'Space' or element.t == 'SoftBreak')
end

local function is_str(element)
  return element and element.t == 'Str'
end

-- the printed suffix of an ordinal `number..suffix`, or nil
local function ordinal_suffix(number, suffix)
  if number:match('^[IVX]+$') then
    if number == 'I' then
      return ORDINAL_ONE[suffix]
    end
    return ORDINAL_ANY[suffix]
  end
  if number == '1' then
    return ORDINAL_ONE[suffix]
  elseif number == '2' and ORDINAL_TWO[suffix] then
    return ORDINAL_TWO[suffix]
  end
  return ORDINAL_ANY[suffix]
end

-- `12345678` → `12 345 678` with U+202F
local function group_digits(digits)
  local head = #digits % 3
  local parts = {}
  if head > 0 then
    parts[1] = digits:sub(1, head)
  end
  for position = head + 1, #digits, 3 do
    parts[#parts + 1] = digits:sub(position, position + 2)
  end
  return table.concat(parts, NNBSP)
end

-- the Str elements one Str becomes: ordinals split into Str + Superscript + Str
local function ordinal(text)
  local before, number, suffix, after = text:match('^(%(?)(%d+)([%a\128-\255]+)([%p\194\187\226\128\166\157]*)$')
  if not number then
    before, number, suffix, after = text:match('^(%(?)([IVX]+)([%a\128-\255]+)([%p\194\187\226\128\166\157]*)$')
  end
  if not number or after:match('^[%-%.]%w') then
    return nil
  end
  local printed = ordinal_suffix(number, suffix)
  if not printed then
    return nil
  end
  local result = { pandoc.Str(before .. number), pandoc.Superscript({ pandoc.Str(printed) }) }
  if after ~= '' then
    result[3] = pandoc.Str(after)
  end
  return result
end

-- one Str's own text, typeset: apostrophes, ellipses, glued symbols, big numbers, `n°5`
local function typeset_text(text, next_element, after_next)
  text = text:gsub("([%w\128-\255])'", '%1’'):gsub('%.%.%.', '…')
  for _, symbol in ipairs(SYMBOL_PATTERNS) do
    text = text:gsub('(%d)' .. symbol, '%1' .. NBSP .. symbol:gsub('%%%$', '$'))
    text = text:gsub('(%d)' .. NNBSP .. symbol, '%1' .. NBSP .. symbol:gsub('%%%$', '$'))
  end
  text = text:gsub('^([nN]°)(%d)', '%1' .. NBSP .. '%2')
  for _, space in ipairs({ NBSP, NNBSP }) do -- `réunions .` typed with a no-break space
    text = text:gsub('([^%s])' .. space .. '([%.,%)][%p]*)$', '%1%2')
  end
  local postcode = #text == 5
    and is_spacing(next_element)
    and is_str(after_next)
    and after_next.text:match('^[A-ZÀ-Ý\195]') ~= nil
  if not postcode then
    text = text:gsub('^(%(?)([1-9]%d%d%d%d+)', function(open, digits)
      return open .. group_digits(digits)
    end)
  end
  return text
end

local function opens_quote(text)
  for _, quote in ipairs(OPENING_QUOTES) do
    if text:sub(1, #quote) == quote then
      return true
    end
  end
  return false
end

-- the space between `left` and `right` (two Str around a Space), or nil to keep an ordinary one
local function space_between(left, right)
  local l, r = left.text, right.text
  if (r:match('^[%.,%)]') or r:sub(1, 3) == '…') and not r:match('^%.%w') and not r:match('^,%d') then
    return '' -- no space before . , ) …
  elseif l:match('[%(%[]$') then
    return '' -- nor after ( [
  elseif l:match('%d$') and (SYMBOLS[r] or UNITS[r:gsub('[%.,;:!?%)»”…]+$', '')]) then
    return NBSP -- 3,5 %, 12 km, 10 h
  elseif l:match('^[hH]$') and r:match('^%d') then
    return NBSP -- 10 h 30
  elseif (l:match('^p%.$') or l:match('^pp%.$') or l:match('^[nN]°$')) and r:match('^%d') then
    return NBSP -- p. 12, n° 5
  elseif l:match('^%(?[1-9]%d?%d?$') and r:match('^%d%d%d') and not r:match('^%d%d%d%d') then
    return NNBSP -- 12 000: the author's space, made a no-break one
  end
  return nil
end

-- one inline list, typeset; nil when nothing changes (pandoc then keeps its own list: handing a
-- list back to pandoc costs as much as reading it). Tags and texts are read once into Lua arrays.
local function typeset_inlines(inlines)
  local count = #inlines
  local elements, tags, texts = {}, {}, {}
  for index = 1, count do
    local element = inlines[index]
    elements[index], tags[index] = element, element.t
    if tags[index] == 'Str' then
      texts[index] = element.text
    end
  end
  local result, changed = {}, false
  local function str_at(index) -- a light stand-in for the Str at `index` (what the helpers read)
    return tags[index] == 'Str' and { t = 'Str', text = texts[index] } or (tags[index] and { t = tags[index] })
  end
  for index = 1, count do
    local tag = tags[index]
    if tag == 'Str' then
      local text = typeset_text(texts[index], str_at(index + 1), str_at(index + 2))
      local previous = result[#result]
      if previous and previous.t == 'Str' and previous.text:match('[;:!?]$') and opens_quote(text) then
        result[#result + 1] = pandoc.Space() -- `dit :«` (the quote a Str of its own): a space between
        changed = true
      end
      local parts = ordinal(text)
      local first, rest
      for _, quote in ipairs(OPENING_QUOTES) do -- `dit :«` in one Str: an ordinary space after the colon
        if not first then
          first, rest = text:match('^(.-[;:!?])(' .. quote .. '.*)$')
        end
      end
      if parts then
        for _, part in ipairs(parts) do
          result[#result + 1] = part
        end
        changed = true
      elseif first then
        result[#result + 1] = pandoc.Str(first)
        result[#result + 1] = pandoc.Space()
        result[#result + 1] = pandoc.Str(rest)
        changed = true
      elseif text ~= texts[index] then
        result[#result + 1] = pandoc.Str(text)
        changed = true
      else
        result[#result + 1] = elements[index]
      end
    elseif (tag == 'Space' or tag == 'SoftBreak') and tags[index - 1] == 'Str' and tags[index + 1] == 'Str' then
      local space = space_between(str_at(index - 1), str_at(index + 1))
      if space == nil then
        result[#result + 1] = elements[index]
      else
        changed = true
        if space ~= '' then
          result[#result + 1] = pandoc.Str(space)
        end
      end
    else
      result[#result + 1] = elements[index]
    end
  end
  if not changed then
    return nil
  end
  -- a Str next to a Str (a no-break space put in a Space's place) is merged back: one word, one Str
  local merged = pandoc.Inlines({})
  for _, element in ipairs(result) do
    local last = merged[#merged]
    if element.t == 'Str' and last and last.t == 'Str' then
      merged[#merged] = pandoc.Str(last.text .. element.text)
    else
      merged:insert(element)
    end
  end
  return merged
end

local function is_foreign(element)
  local lang = element.attributes and element.attributes.lang
  return lang ~= nil and lang ~= '' and not lang:lower():match('^fr')
end

-- Whether a text block's text (pandoc.utils.stringify: one call) holds anything these rules change;
-- most paragraphs hold nothing, and walking their inlines costs as much as the rest of the export.
local TRIGGERS = {
  '%d[eèrndi]', '%d%d%d%d%d', '%d[ \194\226][^ ]*%d%d%d', '%d[ \194\226]?[^%w%s,.;:!?()]', '%d [%a°µ]',
  ' [%.,%)]', '[%(%[] ', "%w'", '%.%.%.', ' …', '[;:!?]«', '[;:!?]“', '%f[%w][IVX]+[eè]', '[nN]°', 'p%. %d',
  NBSP .. '[%.,%)]', NNBSP .. '[%.,%)]',
}
local TEXT_BLOCKS = { Para = true, Plain = true, Header = true, LineBlock = true }

local function has_trigger(text)
  for _, trigger in ipairs(TRIGGERS) do
    if text:find(trigger) then
      return true
    end
  end
  return false
end

local filter = {
  traverse = 'topdown',
  Block = function(block)
    if TEXT_BLOCKS[block.t] and not has_trigger(pandoc.utils.stringify(block)) then
      return block, false
    end
  end,
  Link = function(link)
    if link.classes:includes('uri') or link.classes:includes('email') then
      return link, false
    end
  end,
  Span = function(span)
    if is_foreign(span) then
      return span, false
    end
  end,
  Div = function(div)
    if is_foreign(div) then
      return div, false
    end
  end,
  Inlines = typeset_inlines,
}

return {
  blocks = function(blocks)
    return pandoc.Blocks(blocks):walk(filter)
  end,
  inlines = function(inlines)
    return pandoc.Inlines(inlines):walk(filter)
  end,
}
