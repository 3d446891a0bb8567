--[[ chapters.lua — cm's assembly filter: each chapter file read on its own, then fitted into the book.

cm hands pandoc one document: the outline's headings, and each chapter's Markdown as a code block
of class `cm-chapter` (attributes: file, section, level). This filter replaces every such block by
the chapter read with pandoc.read, in this same pandoc process, so that:
  - footnotes are resolved inside their chapter: two chapters may both use [^1] (read together,
    pandoc 3.9 would give chapter 1 the text of chapter 2's note);
  - a chapter starting with `---` is never a metadata block (the reader has no
    yaml_metadata_block), so its prose stays and the book's title cannot be replaced;
  - HTML comments (the chapter template keeps the plan in one) are dropped: a `--` inside one
    breaks EPUB (RSC-016);
  - a bare URL (http://…) is a link, and in an EPUB or a web page its text may break after each `/`;
  - quotes are read as the book is: curled unless cm runs pandoc with `-f markdown-smart`;
  - the chapter's headings go right under its section's level (`level`), never skipping one, out
    of the table of contents (class unlisted); in an EPUB the chapter is a div (class cm-text), so
    its headings never split the book into files: one file per section;
  - every identifier of the chapter becomes `<section>--<id>`: two « Conclusion » never clash;
  - a link `#anchor` goes to the chapter's own heading or span with that id (`#conclusion`), else
    to the section with that id (pandoc rewrites it across EPUB files): the rule `cm check` uses;
    a link that leads nowhere stops the export, naming the chapter file.
One walk over each chapter's tree (the walks are most of this filter's cost); a second one only
for a chapter whose own heading took a section's id.

Around each read it writes `cm-chapter <file>` and `cm-chapter-end` lines on stderr, so that cm can
tell which chapter a pandoc warning (with lines counted inside that chapter) is about. For Typst (the
PDF), a `// cm-chapter <file>` comment opens each chapter's text, for the same purpose.
]]

local MAX_LEVEL = 6
-- a chapter is read as the book is (`-f markdown-smart` when cm is asked to leave quotes as typed),
-- never with a metadata block, and with bare URLs as links
local READER = 'markdown-yaml_metadata_block+autolink_bare_uris'
  .. (PANDOC_READER_OPTIONS.extensions:includes('smart') and '' or '-smart')
local ZWSP = '\u{200B}'

-- the text of a link that shows its address, with a break opportunity after each `/` (U+200B, an
-- invisible zero-width space), so that a justified line never stretches around a long URL
local function breakable_address(link)
  if (FORMAT:match('epub') or FORMAT:match('html')) and link.classes:includes('uri') then
    link.content = link.content:walk({
      Str = function(str)
        local scheme, rest = str.text:match('^(%a[%w+.-]*://)(.*)$') -- no break right after http://
        return pandoc.Str((scheme or '') .. (rest or str.text):gsub('/+', '%0' .. ZWSP))
      end,
    })
    return link
  end
end

local function note(text)
  io.stderr:write(text, '\n')
end

local function fail(message)
  error('cm-error: ' .. message, 0)
end

local function is_comment(raw)
  return raw.format:match('^html') and raw.text:match('^%s*<!%-%-') and raw.text:match('%-%->%s*$')
end

local function drop_comment(raw)
  if is_comment(raw) then
    return {}
  end
end

-- Identifiers of the outer document (section headings, source lists), before chapters go in.
local function outer_identifiers(doc)
  local known = {}
  local function remember(element)
    if element.identifier and element.identifier ~= '' then
      known[element.identifier] = true
    end
  end
  doc:walk({ Header = remember, Div = remember, Span = remember })
  -- `cm preview` renders a few sections at a time: the book's other section ids come in a code
  -- block of class cm-known (metadata would go through the Markdown reader: 0.25 s for 500 ids).
  for _, block in ipairs(doc.blocks) do
    if block.t == 'CodeBlock' and block.classes:includes('cm-known') then
      for identifier in block.text:gmatch('%S+') do
        known[identifier] = true
      end
    end
  end
  return known
end

-- The levels the chapter's headings take: the distinct levels of its top-level headings, in order,
-- become `level`, `level + 1`… so that no heading skips a level (`#` then `###` → h3, h4 under an
-- h2 section). A heading nested in a div or a quote (rare) is kept between `level` and 6.
local function heading_levels(blocks, level)
  local used, levels = {}, {}
  for _, block in ipairs(blocks) do
    if block.t == 'Header' and not used[block.level] then
      used[block.level] = true
      table.insert(levels, block.level)
    end
  end
  table.sort(levels)
  local map = {}
  for rank, original in ipairs(levels) do
    map[original] = math.min(level + rank - 1, MAX_LEVEL)
  end
  return map
end

-- A web page (cm export html) is one page: pandoc would number the notes through it and put them
-- all at its end. Here each chapter's notes are numbered from 1 and listed at the chapter's end,
-- each call a superior figure linking to its note, each note linking back (ids `<section>--fn1`).
local function chapter_notes(blocks, section)
  local notes = {}
  blocks = blocks:walk({
    Note = function(note_element)
      local number = #notes + 1
      local id = section .. '--fn' .. number
      notes[number] = { id = id, blocks = note_element.content }
      local attributes = { role = 'doc-noteref' }
      return pandoc.Link({ pandoc.Superscript({ pandoc.Str(tostring(number)) }) }, '#' .. id, '',
        pandoc.Attr(id .. 'ref', { 'footnote-ref' }, attributes))
    end,
  })
  if #notes == 0 then
    return blocks
  end
  local items = {}
  for number, entry in ipairs(notes) do
    local back = pandoc.Link({ pandoc.Str('↩\u{FE0E}') }, '#' .. entry.id .. 'ref', '',
      pandoc.Attr('', { 'footnote-back' }, { role = 'doc-backlink', ['aria-label'] = tostring(number) }))
    local content = entry.blocks
    local last = content[#content]
    if last and (last.t == 'Para' or last.t == 'Plain') then
      last.content:extend({ pandoc.Space(), back })
    else
      content:insert(pandoc.Plain({ back }))
    end
    items[number] = { pandoc.Div(content, pandoc.Attr(entry.id)) }
  end
  blocks:insert(pandoc.Div({ pandoc.HorizontalRule(), pandoc.OrderedList(items) },
    pandoc.Attr('', { 'footnotes', 'cm-chapter-notes' }, { role = 'doc-endnotes' })))
  return blocks
end

-- The chapter's blocks, fitted into the book, in one walk over its tree; `known` holds the book's
-- identifiers (section ids first), `pending` gets the links to check once every chapter is in.
local function fit_chapter(block, known, pending)
  local file = block.attributes.file
  local section = block.attributes.section
  local level = tonumber(block.attributes.level) or 2
  note('cm-chapter\t' .. file)
  local ok, doc = pcall(pandoc.read, block.text, READER)
  note('cm-chapter-end')
  if not ok then
    fail(file .. ': ' .. tostring(doc))
  end
  local levels = heading_levels(doc.blocks, level)
  local locals, to_sections = {}, {}
  local function prefix(element)
    if element.identifier ~= '' then
      locals[element.identifier] = true
      element.identifier = section .. '--' .. element.identifier
      known[element.identifier] = true
      return element
    end
  end
  doc = doc:walk({
    RawBlock = drop_comment,
    RawInline = drop_comment,
    Header = function(header)
      header.level = levels[header.level] or math.max(level, math.min(header.level, MAX_LEVEL))
      if not header.classes:includes('unlisted') then
        header.classes:insert('unlisted')
      end
      prefix(header)
      return header
    end,
    Link = function(link)
      prefix(link)
      breakable_address(link)
      local target = link.target:match('^#(.+)$')
      if target and known[target] then
        to_sections[target] = true
      elseif target then
        -- not a section: an anchor of this same chapter, prefixed like its identifiers
        link.target = '#' .. section .. '--' .. target
        table.insert(pending, { file = file, target = target, prefixed = section .. '--' .. target })
      end
      return link
    end,
    Div = prefix,
    Span = prefix,
    CodeBlock = prefix,
    Code = prefix,
    Image = prefix,
    Table = prefix,
    Figure = prefix,
  })
  -- A heading of this chapter that took a section's id hides that section from the chapter's
  -- links (as `cm check` warns): rare, so only then a second walk sends those links to the heading.
  local hidden = {}
  for target in pairs(to_sections) do
    if locals[target] then
      hidden[target] = true
    end
  end
  if next(hidden) then
    doc = doc:walk({
      Link = function(link)
        local target = link.target:match('^#(.+)$')
        if target and hidden[target] then
          link.target = '#' .. section .. '--' .. target
          return link
        end
      end,
    })
  end
  if FORMAT:match('html') then
    return chapter_notes(doc.blocks, section)
  end
  if FORMAT:match('epub') then
    -- in a div, the chapter's headings do not split the EPUB into files: one file per section. Two
    -- divs: pandoc makes a div that opens with a heading into that heading's section, split off
    return { pandoc.Div({ pandoc.Div(doc.blocks) }, pandoc.Attr('', { 'cm-text' })) }
  end
  return doc.blocks
end

function Pandoc(doc)
  local known = outer_identifiers(doc)
  local pending = {}
  local blocks = pandoc.Blocks({})
  for _, block in ipairs(doc.blocks) do
    if block.t == 'CodeBlock' and block.classes:includes('cm-known') then
      -- read by outer_identifiers; not part of the book
    elseif block.t == 'CodeBlock' and block.classes:includes('cm-chapter') then
      if FORMAT == 'typst' then -- a Typst error's line then tells its chapter (services/export/pdf.py)
        blocks:insert(pandoc.RawBlock('typst', '// cm-chapter ' .. block.attributes.file))
      end
      blocks:extend(fit_chapter(block, known, pending))
      if FORMAT == 'typst' then
        blocks:insert(pandoc.RawBlock('typst', '// cm-chapter-end'))
      end
    else
      blocks:insert(block:walk({ Link = breakable_address })) -- the sources' addresses too
    end
  end
  local dangling = {}
  for _, link in ipairs(pending) do
    if not known[link.prefixed] then
      table.insert(dangling, link.file .. ': the link to #' .. link.target .. ' leads nowhere in this book')
    end
  end
  if #dangling > 0 then
    fail(table.concat(dangling, '\n'))
  end
  doc.blocks = blocks
  return doc
end
