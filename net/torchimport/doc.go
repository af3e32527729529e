// Package torchimport turns a torchvision RetinaNet checkpoint (torch.save of
// a state_dict, zip or legacy format) into retina's model file: it reads the
// pickle with a weights-only allowlist (no class outside what a state_dict
// needs is ever constructed), materialises every tensor as float32 honouring
// storage offsets and strides, infers the architecture (net.Config) from the
// tensor names and shapes, and checks every tensor's shape against it.
package torchimport
