#include "runner/case/case_context.h"

#include "runner/result/wire.h"

namespace phptrun {

void EncodeCaseContext(const CaseContext& context, WireWriter* w) {
  w->Str(context.name_prefix);
  w->Str(context.script_dir);
  w->U32(static_cast<uint32_t>(context.env.size()));
  for (const auto& [name, value] : context.env) {
    w->Str(name);
    w->Str(value);
  }
  w->U32(static_cast<uint32_t>(context.extensions.size()));
  for (const std::string& e : context.extensions) w->Str(e);
}

bool DecodeCaseContext(WireReader* r, CaseContext* context) {
  uint32_t n = 0;
  r->Str(&context->name_prefix);
  r->Str(&context->script_dir);
  r->U32(&n);
  for (uint32_t i = 0; i < n && r->ok(); ++i) {
    std::pair<std::string, std::string> var;
    r->Str(&var.first);
    r->Str(&var.second);
    context->env.push_back(std::move(var));
  }
  r->U32(&n);
  for (uint32_t i = 0; i < n && r->ok(); ++i) {
    std::string e;
    r->Str(&e);
    context->extensions.push_back(std::move(e));
  }
  return r->ok();
}

}  // namespace phptrun
