--[[ safety.lua — what a chapter may carry into an EPUB, HTML or docx: no active content, nothing
from outside the book.

Runs after chapters.lua (the chapters are in the document) and before any typography filter.
  - Raw HTML is not passed through: a raw block is read by pandoc's HTML reader into the AST
    (which has no script, style, iframe, object, embed or form), a raw inline tag is kept only as
    a plain formatting tag without attributes (<sup>, </sup>, <br>…), else read the same way.
  - Every attribute that could run code or fetch something (on*, style, src, href…) is dropped
    from divs, spans, headings, images, links, code and tables.
  - A link survives only to an anchor of the book or to http, https and mailto; else its text stays.
  - An image is kept only when cm found its file inside the book: CM_MEDIA (set by cm) maps each
    image path of the chapters to the real file, named from the book's root, and its bytes go into
    pandoc's media bag, so the writer embeds them without reading the disk (pandoc may run with
    --sandbox; typst finds them from the root). Any other image
    (/etc/…, ../../x.png, file:, http(s):, data:) is replaced by its description.
Each thing left out is one `cm-unsafe` line on stderr: the text to look for (cm finds its chapter
and line) and what was done.
]]

local SAFE_INLINE_TAGS = {
  sup = true, sub = true, em = true, strong = true, i = true, b = true, u = true, s = true,
  small = true, mark = true, kbd = true, q = true, cite = true, code = true, del = true,
  ins = true, abbr = true, dfn = true, var = true, samp = true, br = true, wbr = true,
}
local ACTIVE_TAGS = {
  script = true, iframe = true, frame = true, frameset = true, object = true, embed = true,
  applet = true, form = true, input = true, button = true, textarea = true, select = true,
  style = true, link = true, meta = true, base = true, svg = true, math = true,
}
local KEPT_ATTRIBUTES = {
  lang = true, dir = true, title = true, width = true, height = true, alt = true, role = true,
  colspan = true, rowspan = true, align = true, ['custom-style'] = true, ['epub:type'] = true,
}
local media = {}
do
  local given = os.getenv('CM_MEDIA')
  if given and given ~= '' then
    media = pandoc.json.decode(given, false)
  end
end

-- Every file cm found inside the book (and the stylesheet) goes into the media bag up front, under
-- its path from the book's root (CM_MEDIA: name in the chapter → [that path, the file to read]).
local function fill_media_bag()
  for name, entry in pairs(media) do
    local handle = io.open(entry[2], 'rb')
    if handle then
      pandoc.mediabag.insert(entry[1], nil, handle:read('a'))
      handle:close()
    else
      media[name] = nil
    end
  end
end

local function report(needle, message)
  io.stderr:write('cm-unsafe\t', needle:gsub('[\t\n]', ' '), '\t', message, '\n')
end

local function is_html(format)
  return format:match('^html') or format:match('^epub') or format == 'xhtml'
end

local function safe_url(url)
  if url:sub(1, 1) == '#' then
    return true
  end
  local scheme = url:match('^%s*([%a][%w+.-]*):')
  return scheme ~= nil and #scheme > 1 and ({ http = true, https = true, mailto = true })[scheme:lower()] == true
end

local function clean_attributes(element)
  if not element.attributes then
    return nil
  end
  local changed = false
  for key, value in pairs(element.attributes) do
    local name = key:lower()
    if not (KEPT_ATTRIBUTES[name] or name:match('^aria%-') or name:match('^data%-')) then
      if name:match('^on') or name == 'style' then
        report(key .. '=', 'attribute ' .. key .. ' left out of the export')
      end
      element.attributes[key] = nil
      changed = true
    end
  end
  if changed then
    return element
  end
end

local sanitize = {
  Div = clean_attributes,
  Span = clean_attributes,
  Header = clean_attributes,
  Code = clean_attributes,
  CodeBlock = clean_attributes,
  Table = clean_attributes,
  Figure = clean_attributes,
  Link = function(link)
    clean_attributes(link)
    if not safe_url(link.target) then
      report(link.target, 'link to ' .. link.target .. ' left out (only http, https and mailto links are kept)')
      return link.content
    end
    if #link.content == 0 then
      return {} -- what is left of a raw <a> tag without its text
    end
    return link
  end,
  Image = function(image)
    clean_attributes(image)
    if media[image.src] then
      image.src = media[image.src][1]
      return image
    end
    report(image.src, 'resource ' .. image.src .. ' left out: it is not a file inside the book')
    return image.caption
  end,
}

local function tag_name(text)
  local closing, name, rest = text:match('^<(/?)([%a][%w]*)(.-)>$')
  return closing, name and name:lower(), rest
end

-- Sandboxed with no file at all: pandoc's HTML reader would otherwise fetch an <iframe>'s src.
local function read_html(text)
  local ok, doc = pcall(pandoc.read, text, 'html', nil, {})
  if ok then
    return doc.blocks
  end
  return pandoc.Blocks({})
end

-- 'drop' (OpenXML), 'other' (LaTeX and such: no writer here outputs it) or 'html' with its tag;
-- an active tag (<script>…) is reported here, once.
local function raw_tag(raw)
  if raw.format == 'openxml' then
    report(raw.text:sub(1, 40), 'raw OpenXML left out of the export')
    return 'drop'
  end
  if not is_html(raw.format) then
    return 'other'
  end
  local closing, name, rest = tag_name(raw.text)
  if name and closing == '' and ACTIVE_TAGS[name] then
    report(raw.text:sub(1, 40), 'raw HTML <' .. name .. '> left out of the export')
  end
  return 'html', closing, name, rest
end

local function raw_block(raw)
  local kind = raw_tag(raw)
  if kind == 'drop' then
    return {}
  elseif kind == 'other' then
    return nil
  end
  return read_html(raw.text) -- sanitized with the rest of the document
end

local function raw_inline(raw)
  local kind, closing, name, rest = raw_tag(raw)
  if kind == 'drop' then
    return {}
  elseif kind == 'other' then
    return nil
  end
  if name and SAFE_INLINE_TAGS[name] and rest:match('^%s*/?%s*$') then
    if name == 'br' or name == 'wbr' then
      return pandoc.RawInline('html', '<' .. name .. ' />')
    end
    return pandoc.RawInline('html', '<' .. closing .. name .. '>')
  end
  return pandoc.utils.blocks_to_inlines(read_html(raw.text))
end

function Pandoc(doc)
  fill_media_bag()
  doc = doc:walk({ RawBlock = raw_block, RawInline = raw_inline })
  return doc:walk(sanitize)
end
