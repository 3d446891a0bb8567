--[[ typst.lua — the PDF's own filter: the book's structure, said in Typst (cm passes it last, for pdf only).

filters/chapters.lua has read the chapters in and filters/french.lua has typeset the text; this one
only changes what the Typst writer cannot say by itself, so that templates/book.typ can lay out a book:
  - a section heading `[2.1]{.cm-number} Titre {#id}` becomes `#heading(level: 2, numbering: (..) => "2.1")`:
    the number is the outline's (a partial export keeps the whole book's numbers), yet the heading's
    body stays the bare title, for the running heads; bookmarks and the table of contents show both;
  - the « Sources » chapter's heading gets no number (the template opens it as a chapter, not a part),
    and its list is set ragged right;
  - a section's sources list (div `cm-sources`) and a draft's points (div `cm-draft`) are wrapped in
    the template's `cm-sources` / `cm-draft` functions;
  - an image's path is made relative to the book's folder (Typst's root, which it cannot leave): it
    is looked up in the folders of pandoc's resource path (the book's folder, then chapters/).
]]

-- A title as Typst markup. The writer leaves apostrophes to Typst's smart quotes, which the body
-- shows as ’ but bookmarks keep as ': an apostrophe inside a word is written ’ itself.
local function typst_inline(inlines)
  local text = pandoc.write(pandoc.Pandoc({ pandoc.Plain(inlines) }), 'typst')
  text = text:gsub('%s+$', ''):gsub("(%S)'(%S)", '%1’%2')
  return text
end

local function typst_string(text)
  return '"' .. text:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

local function heading(header)
  local first = header.content[1]
  if not (first and first.t == 'Span' and first.classes:includes('cm-number')) then
    if header.classes:includes('cm-part') then -- the Sources chapter, last in the book: its list ragged right
      local label = header.identifier ~= '' and (' <' .. header.identifier .. '>') or ''
      return {
        pandoc.RawBlock('typst', '#heading(level: 1)[' .. typst_inline(header.content) .. ']' .. label),
        pandoc.RawBlock('typst', '#set par(justify: false)'),
      }
    end
    return nil
  end
  local number = pandoc.utils.stringify(first)
  local title = header.content:clone()
  title:remove(1)
  while title[1] and (title[1].t == 'Space' or title[1].t == 'SoftBreak') do
    title:remove(1)
  end
  local label = header.identifier ~= '' and (' <' .. header.identifier .. '>') or ''
  return pandoc.RawBlock(
    'typst',
    string.format(
      '#heading(level: %d, numbering: (..) => %s)[%s]%s',
      header.level,
      typst_string(number),
      typst_inline(title),
      label
    )
  )
end

local function wrapped(div)
  for _, name in ipairs({ 'cm-sources', 'cm-draft' }) do
    if div.classes:includes(name) then
      local blocks = pandoc.Blocks({ pandoc.RawBlock('typst', '#' .. name .. '[') })
      blocks:extend(div.content)
      blocks:insert(pandoc.RawBlock('typst', ']'))
      return blocks
    end
  end
end

local function exists(path)
  local file = io.open(path, 'rb')
  if file then
    file:close()
    return true
  end
  return false
end

local function image(img)
  local src = img.src
  if src:match('^%a[%w+.-]*:') or src:sub(1, 1) == '/' then
    return nil -- a URL or an absolute path: Typst refuses it, and cm says which chapter holds it
  end
  local folders = PANDOC_STATE.resource_path
  local root = folders[1]
  for _, folder in ipairs(folders) do
    if exists(folder .. '/' .. src) then
      local relative = folder == root and '' or (folder:sub(#root + 2) .. '/')
      img.src = '/' .. relative .. src
      return img
    end
  end
end

return {
  { Header = heading, Div = wrapped, Image = image },
}
