// The slice of the WebAssembly global that Node provides and the ES lib does not declare.
declare namespace WebAssembly {
  class Module {
    private constructor();
  }
  function compile(bytes: Uint8Array): Promise<Module>;
}
