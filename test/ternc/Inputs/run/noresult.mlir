// A model with an input and no results: it compiles (and does nothing).
func.func @noresult(%x: tensor<4xf32>) {
  return
}
