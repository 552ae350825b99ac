// The PackageLoader contract run against the in-memory fake the core's tests use.
import { describePackageLoaderContract } from '../../test/support/package-loader-contract';
import { FakePackageLoader } from '../../test/support/fake-package-loader';

describePackageLoaderContract('FakePackageLoader', async () => {
  const loader = new FakePackageLoader();
  return {
    loader,
    write: async (path, pkg) => void loader.write(path, pkg),
    remove: async (path) => loader.remove(path),
  };
});
